import type sharpModule from 'sharp';

let loading: Promise<typeof sharpModule> | null = null;

/**
 * sharp, imported on a worker's first image task rather than when the thread
 * starts: loading libvips is most of a thread's start (about 90 of 150 ms),
 * and a thread that only matches evaluation batches never needs it. Set up
 * once for the pool: parallelism comes from the pool (one image per task), so
 * libvips' own thread pool in every worker would oversubscribe the cores, and
 * its cache only helps when the same image is processed again, which we never do.
 */
export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  return loading;
}

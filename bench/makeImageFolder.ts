import { link, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { imageFileName } from './imageFileName.js';
import { type PoolPhoto, photoForImage } from './PoolPhoto.js';

/** Options of {@link makeImageFolder}. */
export interface MakeImageFolderOptions {
  /** Links made at once. Default 64: enough to hide syscall latency without flooding the event loop. */
  concurrency?: number;
}

const DEFAULTS = { concurrency: 64 } as const;

/**
 * Fills a fresh `dir` with `count` images named like COCO's (`000000000001.jpg`,
 * ...), each a hard link to a pool photo ({@link photoForImage}): a folder of
 * 100,000 "photos" costs no disk space and takes seconds to make, while every
 * file still decodes as a real JPEG.
 */
export async function makeImageFolder(dir: string, pool: readonly PoolPhoto[], count: number, options: MakeImageFolderOptions = {}): Promise<void> {
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const id = next++;
      await link(photoForImage(pool, id).path, path.join(dir, imageFileName(id)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

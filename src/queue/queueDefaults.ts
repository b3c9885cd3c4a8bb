/**
 * Defaults of `QueueThumbnailBackendOptions`, in a module of their own so that
 * the configuration (`QUEUE_CHUNK_IMAGES`, `QUEUE_WINDOW_CHUNKS`,
 * `QUEUE_STALL_MS`) can name them without loading BullMQ.
 */
export const QUEUE_DEFAULTS = {
  /** Images per chunk: about 0.1 s of a 2-core machine's work, one Redis job per 16 images. */
  chunkImages: 16,
  /** Chunks queued or running at once, over all jobs: 512 images, enough for about 128 cores. */
  windowChunks: 32,
  /** How often chunks that failed for good are looked for, in ms. */
  stallMs: 30_000,
  /** How long a chunk not yet full waits for more images before it is sent, in ms. */
  lingerMs: 20,
  /** How long a cancellation waits for workers to confirm that they stopped, in ms. */
  cancelGraceMs: 10_000,
} as const;

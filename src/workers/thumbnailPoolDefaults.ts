/**
 * Defaults of `ThumbnailPoolOptions`, in a module of their own so that the
 * configuration can name them without loading the pool (and sharp).
 */
export const THUMBNAIL_POOL_DEFAULTS = {
  /**
   * Images each worker thread works on at once. In the benchmark's ingest of
   * 1,000 photos with two workers, 1, 2, 4 and 8 made 144, 165, 178 and 183
   * images/s (BENCHMARKS.md): with one the cores idle at every hand-off; 4 has
   * most of the gain at half the decoded images in memory of 8.
   */
  tasksPerWorker: 4,
  /** Tasks waiting per task slot. */
  queuePerSlot: 4,
} as const;

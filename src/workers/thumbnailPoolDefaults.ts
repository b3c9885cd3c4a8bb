/**
 * Defaults of `ThumbnailPoolOptions`, in a module of their own so that the
 * configuration can name them without loading the pool (and sharp).
 */
export const THUMBNAIL_POOL_DEFAULTS = {
  /**
   * Images each worker thread works on at once. With one, the cores idle at
   * every hand-off; more hold more decoded images in memory. Chosen from the
   * curve `npm run bench -- --only scaling` draws over three runs
   * (BENCHMARKS.md), each setting's share of its round's best rate.
   */
  tasksPerWorker: 4,
  /** Tasks waiting per task slot. */
  queuePerSlot: 4,
  /**
   * Longest wait, ms, for a warm pool's threads to start (`ThumbnailPool.started`)
   * before the service listens anyway: they take a fraction of a second, but a
   * machine swapping or a thread stuck in its module must not keep the service
   * from answering.
   */
  startTimeoutMs: 30_000,
} as const;

/** The defaults of an evaluation's work, in one place. */
export const EVALUATION_DEFAULTS = {
  /** Images read from DuckDB per query: what the main thread holds at once. */
  chunkImages: 1024,
  /** A batch sent to a worker ends at this many images... */
  batchImages: 64,
  /** ...or this many rows (annotations and predictions), whichever comes first: enough to amortise a message. */
  batchRows: 1000,
  /** Batches in flight per worker thread: one running, one waiting, so a worker never idles. */
  batchesPerWorker: 2,
} as const;

/** The defaults of an evaluation's work, in one place. */
export const EVALUATION_DEFAULTS = {
  /** Images read from DuckDB per query: what the main thread holds at once. */
  chunkImages: 1024,
  /** A batch sent to a worker ends at this many images... */
  batchImages: 64,
  /** ...or this many rows (annotations and predictions), whichever comes first: enough to amortise a message. */
  batchRows: 1000,
  /**
   * Batches in flight per worker thread: one running and three waiting. With
   * one waiting, the workers idled about a third of a segm job whenever the main
   * thread was held longer than a batch takes (reading a chunk's JSON text, an
   * appender's flush); with three, the segm jobs' matching took about a fifth less
   * (hand-timed, alternated; `docs/performance.md`).
   */
  batchesPerWorker: 4,
} as const;

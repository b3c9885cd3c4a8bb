/** The defaults of an evaluation's work, in one place. */
export const EVALUATION_DEFAULTS = {
  /** Images read from DuckDB per query: what the main thread holds at once (about 8 images of rows per 1,000 annotations). */
  chunkImages: 4096,
  /** A batch sent to a worker ends at this many images... */
  batchImages: 256,
  /** ...or this many rows (annotations and predictions), whichever comes first: enough to amortise a message. */
  batchRows: 3000,
  /** Batches in flight per worker thread: one running, one waiting, so a worker never idles. */
  batchesPerWorker: 2,
} as const;

/** COCO's 17 person keypoints' OKS sigmas (cocoeval.py's `kpt_oks_sigmas`). */
export const COCO_KEYPOINT_SIGMAS: readonly number[] = [
  0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89,
].map((s) => s / 10);

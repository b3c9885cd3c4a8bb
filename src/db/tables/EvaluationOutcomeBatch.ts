import type { BatchMatches } from '../../evaluation/BatchMatches.js';
import type { EvaluationBatch } from '../../evaluation/EvaluationBatch.js';

/**
 * A matched batch as the evaluation tables take it, in columns: the batch's
 * rows and their matches, each row's sample id, and each image's counts at IoU
 * 0.5 (tp, fp, fn per image, in {@link IMAGE_COUNTS} layout).
 */
export interface EvaluationOutcomeBatch {
  datasetId: number;
  evaluation: string;
  batch: EvaluationBatch;
  matches: BatchMatches;
  /** Each image's sample id. */
  imageSampleIds: Float64Array;
  /** Each ground truth's sample id. */
  gtSampleIds: Float64Array;
  /** Each prediction's sample id. */
  dtSampleIds: Float64Array;
  /** Per image, {@link IMAGE_COUNTS} numbers. */
  imageCounts: Float64Array;
}

/** Where each image's counts sit in {@link EvaluationOutcomeBatch.imageCounts}. */
export const IMAGE_COUNTS = { tp: 0, fp: 1, fn: 2, errors: 3, stride: 4 } as const;

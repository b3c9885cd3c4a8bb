import { type BatchMatches, OUTCOME_FIELDS } from '../../evaluation/BatchMatches.js';
import type { EvaluationBatch } from '../../evaluation/EvaluationBatch.js';
import { type ColumnSource, names, numbers } from './ColumnSource.js';

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

/**
 * The six outcome columns both outcome tables have, in their order (outcome50,
 * matched50, iou50, outcome75, matched75, iou75), from a matches array whose
 * rows start with `OUTCOME_FIELDS`.
 */
export function outcomeColumns(values: Float64Array, stride: number, outcomes: readonly string[]): ColumnSource[] {
  return [
    names(values, stride, OUTCOME_FIELDS.outcome50, outcomes),
    numbers(values, stride, OUTCOME_FIELDS.matched50),
    numbers(values, stride, OUTCOME_FIELDS.iou50),
    names(values, stride, OUTCOME_FIELDS.outcome75, outcomes),
    numbers(values, stride, OUTCOME_FIELDS.matched75),
    numbers(values, stride, OUTCOME_FIELDS.iou75),
  ];
}

import type { PredictionOutcomeRow } from '../../evaluation/evaluationTypes.js';
import { big, bigOrNull, type TableMapping } from './TableMapping.js';

/** A prediction's outcome as the evaluation's writer appends it. */
export interface EvaluationPredictionRowIn {
  datasetId: number;
  evaluation: string;
  sampleId: number;
  categoryId: number;
  score: number;
  outcome: PredictionOutcomeRow;
}

/**
 * `evaluation_predictions`: each evaluated prediction's outcome at IoU 0.5 and
 * 0.75 (area all, the last maxDets) with the ground truth it matched and the
 * IoU, and the ground truth of another class it overlaps most (the confusion
 * matrix's). `sample_id`, `category_id` and `score` are copied from the
 * prediction so the sample filters and the matrix read one table.
 */
export const evaluationPredictionsTable: TableMapping<EvaluationPredictionRowIn> = {
  table: 'evaluation_predictions',
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'evaluation', type: 'VARCHAR NOT NULL' },
    { name: 'prediction_id', type: 'BIGINT NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'category_id', type: 'BIGINT NOT NULL' },
    { name: 'score', type: 'DOUBLE NOT NULL' },
    { name: 'outcome50', type: 'VARCHAR NOT NULL' },
    { name: 'matched50', type: 'BIGINT' },
    { name: 'iou50', type: 'DOUBLE' },
    { name: 'outcome75', type: 'VARCHAR NOT NULL' },
    { name: 'matched75', type: 'BIGINT' },
    { name: 'iou75', type: 'DOUBLE' },
    { name: 'confused_with', type: 'BIGINT' },
    { name: 'confused_iou', type: 'DOUBLE' },
  ],
  values: (p) => {
    const o = p.outcome;
    return [
      big(p.datasetId),
      p.evaluation,
      big(o.rowId),
      big(p.sampleId),
      big(p.categoryId),
      p.score,
      o.outcome50,
      bigOrNull(o.matched50),
      o.iou50,
      o.outcome75,
      bigOrNull(o.matched75),
      o.iou75,
      bigOrNull(o.confusedWith),
      o.confusedIou,
    ];
  },
};

import { PREDICTION, PREDICTION_OUTCOMES } from '../../evaluation/BatchMatches.js';
import { DT } from '../../evaluation/EvaluationBatch.js';
import { constant, numbers } from './ColumnSource.js';
import { type EvaluationOutcomeBatch, outcomeColumns } from './EvaluationOutcomeBatch.js';
import type { ColumnarTableMapping } from './TableMapping.js';

/**
 * `evaluation_predictions`: each evaluated prediction's outcome at IoU 0.5 and
 * 0.75 (area all, the last maxDets) with the ground truth it matched and the
 * IoU, and the ground truth of another class it overlaps most (the confusion
 * matrix's). `sample_id`, `category_id` and `score` are copied from the
 * prediction so the sample filters and the matrix read one table.
 */
export const evaluationPredictionsTable: ColumnarTableMapping<EvaluationOutcomeBatch> = {
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
  sources: ({ datasetId, evaluation, batch, matches, dtSampleIds }) => {
    const dt = (field: number) => numbers(batch.dts, DT.stride, field);
    return {
      rowCount: dtSampleIds.length,
      columns: [
        constant(datasetId),
        constant(evaluation),
        dt(DT.rowId),
        numbers(dtSampleIds, 1, 0),
        dt(DT.categoryId),
        dt(DT.score),
        ...outcomeColumns(matches.predictions, PREDICTION.stride, PREDICTION_OUTCOMES),
        numbers(matches.predictions, PREDICTION.stride, PREDICTION.confusedWith),
        numbers(matches.predictions, PREDICTION.stride, PREDICTION.confusedIou),
      ],
    };
  },
};

import { GROUND_TRUTH, GROUND_TRUTH_OUTCOMES } from '../../evaluation/BatchMatches.js';
import { GT } from '../../evaluation/EvaluationBatch.js';
import { constant, numbers } from './ColumnSource.js';
import { type EvaluationOutcomeBatch, outcomeColumns } from './EvaluationOutcomeBatch.js';
import type { ColumnarTableMapping } from './TableMapping.js';

/**
 * `evaluation_ground_truths`: each ground truth's outcome at IoU 0.5 and 0.75
 * (`tp`, `fn`, or `ignored` for crowd regions and ignored areas), with the
 * prediction that matched it and the IoU.
 */
export const evaluationGroundTruthsTable: ColumnarTableMapping<EvaluationOutcomeBatch> = {
  table: 'evaluation_ground_truths',
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'evaluation', type: 'VARCHAR NOT NULL' },
    { name: 'annotation_id', type: 'BIGINT NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'category_id', type: 'BIGINT NOT NULL' },
    { name: 'outcome50', type: 'VARCHAR NOT NULL' },
    { name: 'matched50', type: 'BIGINT' },
    { name: 'iou50', type: 'DOUBLE' },
    { name: 'outcome75', type: 'VARCHAR NOT NULL' },
    { name: 'matched75', type: 'BIGINT' },
    { name: 'iou75', type: 'DOUBLE' },
  ],
  sources: ({ datasetId, evaluation, batch, matches, gtSampleIds }) => ({
    rowCount: gtSampleIds.length,
    columns: [
      constant(datasetId),
      constant(evaluation),
      numbers(batch.gts, GT.stride, GT.rowId),
      numbers(gtSampleIds, 1, 0),
      numbers(batch.gts, GT.stride, GT.categoryId),
      ...outcomeColumns(matches.groundTruths, GROUND_TRUTH.stride, GROUND_TRUTH_OUTCOMES),
    ],
  }),
};

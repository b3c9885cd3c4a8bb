import type { GroundTruthOutcomeRow } from '../../evaluation/evaluationTypes.js';
import { big, bigOrNull, type TableMapping } from './TableMapping.js';

/** A ground truth's outcome as the evaluation's writer appends it. */
export interface EvaluationGroundTruthRowIn {
  datasetId: number;
  evaluation: string;
  sampleId: number;
  categoryId: number;
  outcome: GroundTruthOutcomeRow;
}

/**
 * `evaluation_ground_truths`: each ground truth's outcome at IoU 0.5 and 0.75
 * (`tp`, `fn`, or `ignored` for crowd regions and ignored areas), with the
 * prediction that matched it and the IoU.
 */
export const evaluationGroundTruthsTable: TableMapping<EvaluationGroundTruthRowIn> = {
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
  values: (g) => {
    const o = g.outcome;
    return [
      big(g.datasetId),
      g.evaluation,
      big(o.rowId),
      big(g.sampleId),
      big(g.categoryId),
      o.outcome50,
      bigOrNull(o.matched50),
      o.iou50,
      o.outcome75,
      bigOrNull(o.matched75),
      o.iou75,
    ];
  },
};

import { constant, numbers } from './ColumnSource.js';
import { type EvaluationOutcomeBatch, IMAGE_COUNTS } from './EvaluationOutcomeBatch.js';
import type { ColumnarTableMapping } from './TableMapping.js';

/**
 * `evaluation_images`: every evaluated image's true positives, false positives
 * and misses at IoU 0.5, counted as its images are matched and committed with
 * the evaluation (as a dataset's counts are), so that `outcome=` and `sort=errors` read one small row per
 * image instead of grouping millions of outcomes on every page.
 */
export const evaluationImagesTable: ColumnarTableMapping<EvaluationOutcomeBatch> = {
  table: 'evaluation_images',
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'evaluation', type: 'VARCHAR NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'tp', type: 'INTEGER NOT NULL' },
    { name: 'fp', type: 'INTEGER NOT NULL' },
    { name: 'fn', type: 'INTEGER NOT NULL' },
    { name: 'errors', type: 'INTEGER NOT NULL' },
  ],
  sources: ({ datasetId, evaluation, imageSampleIds, imageCounts }) => ({
    rowCount: imageSampleIds.length,
    columns: [
      constant(datasetId),
      constant(evaluation),
      numbers(imageSampleIds, 1, 0),
      numbers(imageCounts, IMAGE_COUNTS.stride, IMAGE_COUNTS.tp),
      numbers(imageCounts, IMAGE_COUNTS.stride, IMAGE_COUNTS.fp),
      numbers(imageCounts, IMAGE_COUNTS.stride, IMAGE_COUNTS.fn),
      numbers(imageCounts, IMAGE_COUNTS.stride, IMAGE_COUNTS.errors),
    ],
  }),
};

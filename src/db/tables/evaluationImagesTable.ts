import { big, type TableMapping } from './TableMapping.js';

/** One evaluated image's counts at IoU 0.5. */
export interface EvaluationImageRowIn {
  datasetId: number;
  evaluation: string;
  sampleId: number;
  tp: number;
  fp: number;
  fn: number;
}

/**
 * `evaluation_images`: every evaluated image's true positives, false positives
 * and misses at IoU 0.5, counted when the evaluation commits (as a dataset's
 * counts are), so that `outcome=` and `sort=errors` read one small row per
 * image instead of grouping millions of outcomes on every page.
 */
export const evaluationImagesTable: TableMapping<EvaluationImageRowIn> = {
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
  values: (i) => [big(i.datasetId), i.evaluation, big(i.sampleId), i.tp, i.fp, i.fn, i.fp + i.fn],
};

import type { CounterTable } from './CounterTable.js';

/**
 * `split_annotation_counts`: per split and number of ground-truth annotations,
 * the images that have exactly that many (every image, 0 included). A
 * `min_annotations`/`max_annotations` page's `total` is the sum of its rows in
 * range (`counterTotalSql`): a few dozen rows instead of a scan of
 * `sample_counts`. Made from `sample_counts`, filled before it.
 */
export const splitAnnotationCountsTable: CounterTable = {
  table: 'split_annotation_counts',
  source: 'ingest',
  sliced: false,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'annotations', type: 'INTEGER NOT NULL' },
    { name: 'images', type: 'BIGINT NOT NULL' },
  ],
  select: (jobIs) => `
    SELECT any_value(dataset_id), job_id, annotations, count(*)
    FROM sample_counts WHERE job_id ${jobIs} GROUP BY job_id, annotations`,
};

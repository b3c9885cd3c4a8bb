import type { CounterTable } from './CounterTable.js';

/**
 * `split_categories`: per split and category, its annotations and the images
 * that have at least one (what the dataset's categories and its `/stats`
 * show). Made from `sample_categories`, filled before it.
 */
export const splitCategoriesTable: CounterTable = {
  table: 'split_categories',
  source: 'ingest',
  sliced: false,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'category_id', type: 'BIGINT NOT NULL' },
    { name: 'annotations', type: 'BIGINT NOT NULL' },
    { name: 'images', type: 'BIGINT NOT NULL' },
  ],
  // Two plain groupings, not count(DISTINCT sample_id): DuckDB's distinct aggregates do not spill, and ran out of a 128 MB memory_limit at 1M images.
  select: (jobIs) => `
    SELECT any_value(dataset_id), job_id, category_id, sum(annotations), count(*)
    FROM (SELECT any_value(dataset_id) AS dataset_id, job_id, category_id, sample_id, sum(annotations) AS annotations
          FROM sample_categories WHERE job_id ${jobIs} AND category_id IS NOT NULL
          GROUP BY job_id, category_id, sample_id)
    GROUP BY job_id, category_id`,
};

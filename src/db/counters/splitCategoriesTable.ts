import type { CounterTable } from './CounterTable.js';
import { IMAGES_COLUMNS, IMAGES_KEYS } from './imagesColumns.js';
import { CATEGORY_FLAGS } from './sampleCategoriesTable.js';

/**
 * `split_categories`: per split and category, its annotations and the images
 * that have at least one (what the dataset's categories and its `/stats`
 * show), then the images with one that is a crowd, one that is not, and one of
 * each area class: what `category=` with `iscrowd=` or `area=` keeps, so such a
 * page's `total` is read here instead of counted (`counterTotalSql`). Made
 * from `sample_categories`, filled before it: each image of a category has one
 * row there with its `category_flags`, so this is one grouping by category.
 * Rows committed before schema 10 have no flags, and this would count them as
 * no images: a migration that fills this table for jobs already committed
 * uses {@link splitCategoriesFromGroupsTable}.
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
    ...IMAGES_COLUMNS,
  ],
  select: (jobIs) => `
    SELECT any_value(dataset_id), job_id, category_id, sum(annotations), count(category_flags),
           ${IMAGES_KEYS.map((key) => `count(*) FILTER (WHERE category_flags & ${CATEGORY_FLAGS[key]} <> 0)`).join(', ')}
    FROM sample_categories WHERE job_id ${jobIs} AND category_id IS NOT NULL
    GROUP BY job_id, category_id`,
};

/**
 * The same rows made from `sample_categories` rows without `category_flags`
 * (stored before schema 10), by grouping them by sample and category first:
 * what the migration to schema 10 fills the table with. Two plain groupings,
 * not count(DISTINCT sample_id): DuckDB's distinct aggregates do not spill, and
 * ran out of a 128 MB memory_limit at 1M images.
 */
export const splitCategoriesFromGroupsTable: CounterTable = {
  ...splitCategoriesTable,
  select: (jobIs) => `
    SELECT any_value(dataset_id), job_id, category_id, sum(annotations), count(*),
           count(*) FILTER (WHERE crowd), count(*) FILTER (WHERE noncrowd),
           count(*) FILTER (WHERE small), count(*) FILTER (WHERE medium), count(*) FILTER (WHERE large)
    FROM (SELECT any_value(dataset_id) AS dataset_id, job_id, category_id, sample_id, sum(annotations) AS annotations,
                 bool_or(iscrowd) AS crowd, bool_or(NOT iscrowd) AS noncrowd, bool_or(area_class = 'small') AS small,
                 bool_or(area_class = 'medium') AS medium, bool_or(area_class = 'large') AS large
          FROM sample_categories WHERE job_id ${jobIs} AND category_id IS NOT NULL
          GROUP BY job_id, category_id, sample_id)
    GROUP BY job_id, category_id`,
};

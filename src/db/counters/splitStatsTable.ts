import type { CounterTable } from './CounterTable.js';
import { IMAGES_COLUMNS } from './imagesColumns.js';

/** Buckets of the annotations-per-image histogram: inclusive lower bounds, the last open-ended. */
export const PER_IMAGE_BUCKETS = [0, 1, 2, 3, 6, 11, 21, 51] as const;

/**
 * `split_stats`: one row per split, what `GET /datasets/{id}` and its `/stats`
 * show of it: images and annotations, annotations per image (mean, median,
 * max and the {@link PER_IMAGE_BUCKETS} histogram) and annotations per COCO
 * area class. Then the images a lone `iscrowd` or `area` filter keeps (with a
 * crowd annotation, with one that is not, with one of each area class), so
 * such a page's `total` is read here instead of counted (`counterTotalSql`).
 * Made from `sample_counts`, filled before it.
 */
export const splitStatsTable: CounterTable = {
  table: 'split_stats',
  source: 'ingest',
  sliced: false,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'images', type: 'BIGINT NOT NULL' },
    { name: 'annotations', type: 'BIGINT NOT NULL' },
    { name: 'mean', type: 'DOUBLE' },
    { name: 'median', type: 'DOUBLE' },
    { name: 'max', type: 'INTEGER' },
    { name: 'histogram', type: 'BIGINT[] NOT NULL' },
    { name: 'small', type: 'BIGINT NOT NULL' },
    { name: 'medium', type: 'BIGINT NOT NULL' },
    { name: 'large', type: 'BIGINT NOT NULL' },
    ...IMAGES_COLUMNS,
  ],
  // The *_images columns, in IMAGES_KEYS order, are sample_counts' own conditions for iscrowd and area alone (SampleFilter.ts).
  select: (jobIs) => `
    SELECT any_value(dataset_id), job_id, count(*), sum(annotations), avg(annotations), median(annotations), max(annotations),
           [${PER_IMAGE_BUCKETS.map((low, i) => {
             const high = PER_IMAGE_BUCKETS[i + 1];
             return `count(*) FILTER (WHERE annotations >= ${low}${high === undefined ? '' : ` AND annotations < ${high}`})`;
           }).join(', ')}],
           sum(small), sum(medium), sum(large),
           count(*) FILTER (WHERE crowd > 0), count(*) FILTER (WHERE annotations > crowd),
           count(*) FILTER (WHERE small > 0), count(*) FILTER (WHERE medium > 0), count(*) FILTER (WHERE large > 0)
    FROM sample_counts WHERE job_id ${jobIs} GROUP BY job_id`,
};

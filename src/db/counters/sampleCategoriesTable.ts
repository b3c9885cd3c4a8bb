import { areaClassSql } from './areaClassSql.js';
import type { CounterTable } from './CounterTable.js';

/**
 * `sample_categories`: a sample's ground-truth annotations grouped by what a
 * filter asks of one annotation: its category (NULL for none, e.g. captions),
 * `iscrowd` and COCO area class (NULL for no area). `category=dog&area=small`
 * keeps the samples with a row of both, one scan of ids instead of a scan of
 * the annotations. Its rows are not sorted by category: sorting 7.5M rows
 * inside a 1M-image ingest's transaction ran DuckDB out of its 128 MB.
 */
export const sampleCategoriesTable: CounterTable = {
  table: 'sample_categories',
  source: 'ingest',
  sliced: true,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'category_id', type: 'BIGINT' },
    { name: 'iscrowd', type: 'BOOLEAN NOT NULL' },
    { name: 'area_class', type: 'VARCHAR' },
    { name: 'annotations', type: 'INTEGER NOT NULL' },
  ],
  select: (jobIs, images) => `
    SELECT s.dataset_id, s.job_id, s.id, a.category_id, a.iscrowd, ${areaClassSql('a.area')} AS area_class, count(*)
    FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
    WHERE a.job_id ${jobIs} AND s.job_id ${jobIs} AND ${images('a.image_coco_id')} AND ${images('s.coco_id')}
    GROUP BY ALL`,
};

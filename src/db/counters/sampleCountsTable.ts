import { areaClassCountsSql } from './areaClassSql.js';
import type { CounterTable } from './CounterTable.js';

/**
 * `sample_counts`: per sample of a split, its ground-truth annotations, crowd
 * annotations and annotations per COCO area class. Every sample has a row
 * (zero when it has none), so `min_annotations`/`max_annotations` keep the
 * samples of one scan of this table, and a split's per-image figures are
 * computed from it.
 */
export const sampleCountsTable: CounterTable = {
  table: 'sample_counts',
  source: 'ingest',
  sliced: true,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'annotations', type: 'INTEGER NOT NULL' },
    { name: 'crowd', type: 'INTEGER NOT NULL' },
    { name: 'small', type: 'INTEGER NOT NULL' },
    { name: 'medium', type: 'INTEGER NOT NULL' },
    { name: 'large', type: 'INTEGER NOT NULL' },
  ],
  select: (jobIs, images) => `
    SELECT s.dataset_id, s.job_id, s.id, coalesce(n.annotations, 0), coalesce(n.crowd, 0),
           coalesce(n.small, 0), coalesce(n.medium, 0), coalesce(n.large, 0)
    FROM samples s LEFT JOIN (
      SELECT job_id, image_coco_id, count(*) AS annotations, count(*) FILTER (WHERE iscrowd) AS crowd, ${areaClassCountsSql('area')}
      FROM annotations WHERE job_id ${jobIs} AND ${images('image_coco_id')} GROUP BY job_id, image_coco_id
    ) n ON n.job_id = s.job_id AND n.image_coco_id = s.coco_id
    WHERE s.job_id ${jobIs} AND ${images('s.coco_id')}
    ORDER BY s.id`,
};

import type { CocoCategory } from '../../formats/records.js';
import type { Row } from '../toPlainRows.js';
import { big, json, type ReadableTable } from './TableMapping.js';

/** A category as the writer inserts it. */
export interface CategoryRowIn {
  datasetId: number;
  record: CocoCategory;
}

/**
 * `categories`: one row per category of a dataset (splits share them). Fields
 * beyond the known ones — panoptic's `isthing` and `color`, LVIS's `synset`,
 * `synonyms`, `def`, `frequency`, `image_count`, `instance_count` — are kept in
 * `extra` and shown as fields of the category.
 */
export const categoriesTable: ReadableTable<CategoryRowIn> = {
  table: 'categories',
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'id', type: 'BIGINT NOT NULL' },
    { name: 'name', type: 'VARCHAR NOT NULL' },
    { name: 'supercategory', type: 'VARCHAR' },
    { name: 'keypoints', type: 'JSON' },
    { name: 'skeleton', type: 'JSON' },
    { name: 'extra', type: 'JSON' },
  ],
  values: (c) => [
    big(c.datasetId),
    big(c.record.id),
    c.record.name,
    c.record.supercategory,
    json(c.record.keypoints),
    json(c.record.skeleton),
    json(c.record.extra),
  ],
  shape(row: Row): Row {
    const { extra, dataset_id: _dataset, ...rest } = row;
    const out: Row = { ...((extra as Row | null) ?? {}) };
    for (const [key, value] of Object.entries(rest)) {
      if (value === null && (key === 'keypoints' || key === 'skeleton')) continue;
      out[key] = value;
    }
    return out;
  },
};

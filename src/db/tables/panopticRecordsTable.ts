import type { PanopticRecord } from '../../formats/records.js';
import { big, json, type TableMapping } from './TableMapping.js';

/** One image's panoptic record as the writer appends it (its segments go to `annotations`). */
export interface PanopticRecordRowIn {
  datasetId: number;
  jobId: string;
  recordIndex: number;
  record: PanopticRecord;
}

/**
 * `panoptic_records`: what a panoptic file says of each image beyond its
 * segments: the PNG holding its masks and any other field, so the record can be
 * given back as it was. It names its image by `(job_id, image_coco_id)`, as annotations do.
 */
export const panopticRecordsTable: TableMapping<PanopticRecordRowIn> = {
  table: 'panoptic_records',
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'image_coco_id', type: 'BIGINT NOT NULL' },
    { name: 'record_index', type: 'INTEGER NOT NULL' },
    { name: 'file_name', type: 'VARCHAR NOT NULL' },
    { name: 'extra', type: 'JSON' },
  ],
  values: (p) => [big(p.datasetId), p.jobId, big(p.record.image_id), p.recordIndex, p.record.file_name, json(p.record.extra)],
};

import type { CocoImage } from '../../formats/records.js';
import type { Row } from '../toPlainRows.js';
import { big, bigOrNull, json, type ReadableTable } from './TableMapping.js';

/** A sample as the writer appends it. */
export interface SampleRowIn {
  id: number;
  datasetId: number;
  jobId: string;
  split: string;
  /** Position in the file's `images`. */
  recordIndex: number;
  record: CocoImage;
}

/**
 * `samples`: one row per image. `image_ref` is where the image is read from when
 * that is not `file_name` under the job's image folder: a path relative to it
 * (LVIS, `val2017/000000000139.jpg` from the image's `coco_url`) or an http(s)
 * URL (images fetched by URL). `content_hash` and `phash` are the image's hashes
 * (duplicates), set when it is decoded; the API's sample leaves them out.
 */
export const samplesTable: ReadableTable<SampleRowIn> = {
  table: 'samples',
  columns: [
    { name: 'id', type: 'BIGINT NOT NULL' },
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'split', type: 'VARCHAR NOT NULL' },
    { name: 'coco_id', type: 'BIGINT NOT NULL' },
    { name: 'file_name', type: 'VARCHAR' },
    { name: 'width', type: 'INTEGER' },
    { name: 'height', type: 'INTEGER' },
    { name: 'license', type: 'BIGINT' },
    { name: 'extra', type: 'JSON' },
    { name: 'image_ref', type: 'VARCHAR' },
    { name: 'record_index', type: 'INTEGER' },
    // Null until the image is decoded (its thumbnail, or the hash job): see src/quality/.
    { name: 'content_hash', type: 'VARCHAR' },
    { name: 'phash', type: 'UBIGINT' },
  ],
  values: (s) => [
    big(s.id),
    big(s.datasetId),
    s.jobId,
    s.split,
    big(s.record.id),
    s.record.file_name,
    s.record.width,
    s.record.height,
    bigOrNull(s.record.license),
    json(s.record.extra),
    s.record.image_ref,
    s.recordIndex,
    null,
    null,
  ],
  shape(row: Row): Row {
    const { extra, failure_code, failure_message, image_ref: _ref, job_id: _job, record_index: _index, content_hash: _content, phash: _phash, ...rest } = row;
    const out: Row = { ...((extra as Row | null) ?? {}) };
    // Extra fields never shadow ours.
    Object.assign(out, rest);
    out.image_error = failure_code === null || failure_code === undefined ? null : { code: failure_code, message: failure_message };
    return out;
  },
};

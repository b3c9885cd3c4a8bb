import type { CocoAnnotation } from '../../formats/records.js';
import { annotationCheckFlags } from '../../quality/annotationCheckFlags.js';
import type { Row } from '../toPlainRows.js';
import { type GatheredTableMapping, json, type ShapedRows } from './TableMapping.js';

/** An annotation as the writer appends it. */
export interface AnnotationRowIn {
  id: number;
  datasetId: number;
  jobId: string;
  /** Position in the file's `annotations` (for panoptic, of the image's record). */
  recordIndex: number;
  record: CocoAnnotation;
}

/**
 * `annotations`: instances, keypoints, captions and panoptic segments. The
 * segmentation is kept as the JSON text it had in the file (polygons, an RLE
 * counts list or string), so it comes back out in the same form. An annotation
 * names its sample by `(job_id, image_coco_id)`, which the reads join on.
 */
export const annotationsTable: GatheredTableMapping<AnnotationRowIn> & ShapedRows = {
  table: 'annotations',
  columns: [
    { name: 'id', type: 'BIGINT NOT NULL' },
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'image_coco_id', type: 'BIGINT NOT NULL' },
    { name: 'record_index', type: 'INTEGER NOT NULL' },
    { name: 'coco_id', type: 'BIGINT NOT NULL' },
    { name: 'category_id', type: 'BIGINT' },
    { name: 'bbox_x', type: 'DOUBLE' },
    { name: 'bbox_y', type: 'DOUBLE' },
    { name: 'bbox_w', type: 'DOUBLE' },
    { name: 'bbox_h', type: 'DOUBLE' },
    { name: 'area', type: 'DOUBLE' },
    { name: 'iscrowd', type: 'BOOLEAN NOT NULL' },
    { name: 'segmentation', type: 'JSON' },
    { name: 'keypoints', type: 'JSON' },
    { name: 'num_keypoints', type: 'INTEGER' },
    { name: 'caption', type: 'VARCHAR' },
    { name: 'extra', type: 'JSON' },
    // Last: added by schema 8, and a migration adds a column at the end.
    { name: 'mask_area', type: 'BIGINT' },
    // The checks it fails alone, as ANNOTATION_CHECK_FLAGS' bits (schema 9); 0 for a caption; NULL for a row stored
    // before schema 9, whose check_hits were filled from its JSON.
    { name: 'check_flags', type: 'UTINYINT' },
  ],
  gather: (a, chunk) => {
    const r = a.record;
    const b = r.bbox;
    chunk.put(0, a.id);
    chunk.put(1, a.datasetId);
    chunk.put(2, a.jobId);
    chunk.put(3, r.image_id);
    chunk.put(4, a.recordIndex);
    chunk.put(5, r.id);
    chunk.put(6, r.category_id);
    chunk.put(7, b === null ? null : b[0]);
    chunk.put(8, b === null ? null : b[1]);
    chunk.put(9, b === null ? null : b[2]);
    chunk.put(10, b === null ? null : b[3]);
    chunk.put(11, r.area);
    chunk.put(12, r.iscrowd);
    chunk.put(13, r.segmentationJson ?? json(r.segmentation));
    chunk.put(14, json(r.keypoints));
    chunk.put(15, r.num_keypoints);
    chunk.put(16, r.caption);
    chunk.put(17, json(r.extra));
    chunk.put(18, r.mask_area ?? null);
    chunk.put(19, r.check_flags ?? annotationCheckFlags(r));
  },
  shape: shapeAnnotation,
};

/** An annotation or prediction row as the API returns it: `bbox` as a list, absent kinds left out. */
export function shapeAnnotation(row: Row): Row {
  const { bbox_x, bbox_y, bbox_w, bbox_h, extra, keypoints, num_keypoints, caption, ...rest } = row;
  const out: Row = { ...rest, bbox: bbox_x === null ? null : [bbox_x, bbox_y, bbox_w, bbox_h] };
  if (keypoints !== null && keypoints !== undefined) {
    out.keypoints = keypoints;
    out.num_keypoints = num_keypoints;
  }
  if (caption !== null && caption !== undefined) out.caption = caption;
  if (extra !== null && extra !== undefined) out.extra = extra;
  return out;
}

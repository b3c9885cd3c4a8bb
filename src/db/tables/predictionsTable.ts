import type { CocoResult } from '../../formats/records.js';
import { shapeAnnotation } from './annotationsTable.js';
import { big, bigOrNull, json, type ReadableTable } from './TableMapping.js';

/** A prediction as the writer appends it. */
export interface PredictionRowIn {
  id: number;
  datasetId: number;
  jobId: string;
  /** The prediction set's name. */
  setName: string;
  /** The dataset's sample with the result's `image_id` (the first by id); null when it has none. */
  sampleId: number | null;
  recordIndex: number;
  record: CocoResult;
}

/**
 * `predictions`: the results of a model (COCO results format), one row per
 * detection, caption or keypoint set, in named sets kept apart from the ground
 * truth. `coco_id` is the result's own `id` when it has one. `sample_id` is
 * the dataset's sample with `image_coco_id`, looked up as the result is
 * appended; a result naming no image of the dataset fails (or is skipped)
 * before the set commits.
 */
export const predictionsTable: ReadableTable<PredictionRowIn> = {
  table: 'predictions',
  columns: [
    { name: 'id', type: 'BIGINT NOT NULL' },
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'set_name', type: 'VARCHAR NOT NULL' },
    { name: 'sample_id', type: 'BIGINT' },
    { name: 'image_coco_id', type: 'BIGINT NOT NULL' },
    { name: 'record_index', type: 'INTEGER NOT NULL' },
    { name: 'coco_id', type: 'BIGINT' },
    { name: 'category_id', type: 'BIGINT' },
    { name: 'score', type: 'DOUBLE' },
    { name: 'bbox_x', type: 'DOUBLE' },
    { name: 'bbox_y', type: 'DOUBLE' },
    { name: 'bbox_w', type: 'DOUBLE' },
    { name: 'bbox_h', type: 'DOUBLE' },
    { name: 'area', type: 'DOUBLE' },
    { name: 'segmentation', type: 'JSON' },
    { name: 'keypoints', type: 'JSON' },
    { name: 'caption', type: 'VARCHAR' },
    { name: 'extra', type: 'JSON' },
  ],
  values: (p) => {
    const r = p.record;
    const b = r.bbox;
    return [
      big(p.id),
      big(p.datasetId),
      p.jobId,
      p.setName,
      bigOrNull(p.sampleId),
      big(r.image_id),
      p.recordIndex,
      bigOrNull(r.id),
      bigOrNull(r.category_id),
      r.score,
      b === null ? null : b[0],
      b === null ? null : b[1],
      b === null ? null : b[2],
      b === null ? null : b[3],
      r.area,
      r.segmentationJson ?? json(r.segmentation),
      json(r.keypoints),
      r.caption,
      json(r.extra),
    ];
  },
  shape: shapeAnnotation,
};

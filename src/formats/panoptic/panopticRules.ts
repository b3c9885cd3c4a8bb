import type { WholeFileRule } from '../AnnotationFormat.js';
import { ANNOTATIONS_WITHOUT_IMAGE, notKnownCategory } from '../coco/cocoRules.js';

/** Panoptic records naming an image the file does not hold. */
export const unknownPanopticImage: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: () => ANNOTATIONS_WITHOUT_IMAGE,
  describe: (r, s) => `${s.file}: annotations[${r.record_index}].image_id: no image has id ${r.v}`,
};

/** A second panoptic record for an image: every segment of it, after the first record's. */
export const duplicatePanopticImage: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: () => `SELECT a.id, a.record_index, a.image_coco_id AS v, d.first FROM annotations a
    JOIN (SELECT image_coco_id, min(record_index) AS first FROM annotations WHERE job_id = $1
          GROUP BY image_coco_id HAVING count(DISTINCT record_index) > 1) d ON d.image_coco_id = a.image_coco_id
    WHERE a.job_id = $1 AND a.record_index > d.first`,
  describe: (r, s) => `${s.file}: annotations[${r.record_index}].image_id: a second record for image ${r.v} (first at annotations[${r.first}])`,
};

/** Segments naming a category neither the file nor the dataset has. */
export const unknownSegmentCategory: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: (s) => `SELECT id, record_index, coco_id AS segment, category_id AS v FROM annotations WHERE job_id = $1 ${notKnownCategory(s)}`,
  describe: (r, s) =>
    `${s.file}: annotations[${r.record_index}].segments_info: segment ${r.segment} has category_id ${r.v}, which no category has` +
    (s.fileCategories === 0 ? ' (the file has no categories)' : ''),
};

import type { WholeFileRule } from '../AnnotationFormat.js';
import { ANNOTATIONS_WITHOUT_IMAGE, SECOND_RECORD_OF_IMAGE, unknownSegmentCategorySql } from './panopticRulesSql.js';

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
  violations: () => SECOND_RECORD_OF_IMAGE,
  describe: (r, s) => `${s.file}: annotations[${r.record_index}].image_id: a second record for image ${r.v} (first at annotations[${r.first}])`,
};

/** Segments naming a category neither the file nor the dataset has. */
export const unknownSegmentCategory: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: unknownSegmentCategorySql,
  describe: (r, s) =>
    `${s.file}: annotations[${r.record_index}].segments_info: segment ${r.segment} has category_id ${r.v}, which no category has` +
    (s.fileCategories === 0 ? ' (the file has no categories)' : ''),
};

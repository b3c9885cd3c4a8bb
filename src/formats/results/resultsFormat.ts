import type { AnnotationFormat, WholeFileRule } from '../AnnotationFormat.js';
import { notKnownCategory } from '../coco/cocoRules.js';
import { normalizeResult } from './normalizeResult.js';

/** Results naming an image the dataset does not hold. */
const unknownImage: WholeFileRule = {
  table: 'predictions',
  section: 'results',
  violations: () => `SELECT id, record_index, image_coco_id AS v FROM predictions WHERE job_id = $1 AND sample_id IS NULL`,
  describe: (r, s) => `${s.file}: [${r.record_index}].image_id: no image has id ${r.v}`,
};

/** Results naming a category the dataset does not have (when it has any). */
const unknownCategory: WholeFileRule = {
  table: 'predictions',
  section: 'results',
  violations: (s) =>
    s.knownCategories.size === 0
      ? null
      : `SELECT id, record_index, category_id AS v FROM predictions WHERE job_id = $1 AND category_id IS NOT NULL ${notKnownCategory(s)}`,
  describe: (r, s) => `${s.file}: [${r.record_index}].category_id: no category has id ${r.v}`,
};

/**
 * COCO's results format, what detectors and captioners write for evaluation:
 * a bare JSON array of `{image_id, category_id, score}` with `bbox`,
 * `segmentation`, `keypoints` or `caption`. It is loaded beside a dataset's
 * ground truth as a named prediction set, never as a split of its own.
 */
export const resultsFormat: AnnotationFormat = {
  id: 'results',
  root: 'array',
  sections: { results: (raw, index, file) => ({ kind: 'result', index, record: normalizeResult(raw, index, file) }) },
  rules: [unknownImage, unknownCategory],
  kinds: [{ name: 'results' }],
  label: () => 'results',
};

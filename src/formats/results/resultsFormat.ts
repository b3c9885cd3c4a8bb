import type { AnnotationFormat } from '../AnnotationFormat.js';
import { normalizeResult } from './normalizeResult.js';
import { unknownResultCategory, unknownResultImage } from './resultsRules.js';

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
  rules: [unknownResultImage, unknownResultCategory],
  kinds: [{ name: 'results' }],
  label: () => 'results',
};

import { EvaluationInputError } from './EvaluationInputError.js';
import type { ResultsBranch } from './evaluationTypes.js';

/** The fields of a results file's first result that decide how it is read. */
export interface FirstResult {
  caption?: unknown;
  bbox?: unknown;
  segmentation?: unknown;
  keypoints?: unknown;
}

/**
 * How `COCO.loadRes` reads a results file, decided by its FIRST result alone:
 * `bbox` when it has a non-empty `bbox`, else `segm` when it has a
 * `segmentation`, else `keypoints` when it has `keypoints`.
 * @throws EvaluationInputError for captions (not scored by COCOeval) or a result with none of these
 */
export function resultsBranch(first: FirstResult): ResultsBranch {
  if (first.caption !== undefined) throw new EvaluationInputError('the results are captions, which COCOeval does not score');
  if (first.bbox !== undefined && first.bbox !== null && !(Array.isArray(first.bbox) && first.bbox.length === 0)) return 'bbox';
  if (first.segmentation !== undefined && first.segmentation !== null) return 'segm';
  if (first.keypoints !== undefined && first.keypoints !== null) return 'keypoints';
  throw new EvaluationInputError('the first result has no bbox, segmentation or keypoints');
}

import type { EvalSettings, ImageMatchResult } from '../evaluation/evaluationTypes.js';
import type { StoredImageRows } from '../evaluation/storedImageRows.js';

/** Match a batch of consecutive images of one evaluation (a batch amortises the messaging; each image is matched alone). */
export interface MatchTask {
  settings: EvalSettings;
  images: StoredImageRows[];
}

/**
 * The batch's results, in its images' order; or why it could not be matched
 * (`EVALUATION_SIGMAS_MISMATCH`: keypoints of another count than the sigmas;
 * `EVALUATION_INVALID`: a stored row matching cannot read).
 */
export type MatchResult = { ok: true; results: ImageMatchResult[] } | { ok: false; code: string; message: string };

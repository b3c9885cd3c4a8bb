import type { BatchMatches } from '../evaluation/BatchMatches.js';
import type { EvaluationBatch } from '../evaluation/EvaluationBatch.js';
import type { EvalSettings } from '../evaluation/evaluationTypes.js';

/** Match a batch of consecutive images of one evaluation (a batch amortises the messaging; each image is matched alone). */
export interface MatchTask {
  settings: EvalSettings;
  batch: EvaluationBatch;
}

/**
 * The batch's matches, in its images' order; or why it could not be matched
 * (`EVALUATION_SIGMAS_MISMATCH`: keypoints of another count than the sigmas;
 * `EVALUATION_INVALID`: a stored row matching cannot read).
 */
export type MatchResult = { ok: true; matches: BatchMatches } | { ok: false; code: string; message: string };

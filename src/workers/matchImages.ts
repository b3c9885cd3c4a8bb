import { ERROR_CODES } from '../errorCodes.js';
import { encodeMatches } from '../evaluation/BatchMatches.js';
import { batchImages } from '../evaluation/EvaluationBatch.js';
import { paramsFor } from '../evaluation/evaluateCategories.js';
import type { EvalImageInput, ImageMatchResult } from '../evaluation/evaluationTypes.js';
import { matchImage } from '../evaluation/matchImage.js';
import type { MatchResult, MatchTask } from './matchMessages.js';

/**
 * The pool's evaluation task: parses each image's stored JSON and matches it
 * (COCOeval's `evaluateImg` per category), and sends the batch's matches back
 * in columns. An error carrying one of the service's codes (a keypoint count
 * the sigmas do not fit) comes back as `{ ok: false, code, message }`;
 * anything else rejects, which the pool reports as `WORKER_CRASHED`.
 */
export function matchImages(task: MatchTask): MatchResult {
  let images: EvalImageInput[];
  try {
    images = batchImages(task.batch);
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, code: 'EVALUATION_INVALID', message: err.message };
    throw err;
  }
  const results: ImageMatchResult[] = [];
  for (const image of images) {
    try {
      results.push(matchImage(image, task.settings));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)) return { ok: false, code, message: (err as Error).message };
      throw err;
    }
  }
  return { ok: true, matches: encodeMatches(results, paramsFor(task.settings).areaRanges.length) };
}

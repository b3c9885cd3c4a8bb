import { ERROR_CODES } from '../errorCodes.js';
import { matchImage } from '../evaluation/matchImage.js';
import { toEvalImage } from '../evaluation/storedImageRows.js';
import type { MatchResult, MatchTask } from './matchMessages.js';

/**
 * The pool's evaluation task: parses each image's stored JSON and matches it
 * (COCOeval's `evaluateImg` per category). An error carrying one of the
 * service's codes (a keypoint count the sigmas do not fit) comes back as
 * `{ ok: false, code, message }`; anything else rejects, which the pool
 * reports as `WORKER_CRASHED`.
 */
export function matchImages(task: MatchTask): MatchResult {
  const results = [];
  for (const image of task.images) {
    try {
      results.push(matchImage(toEvalImage(image), task.settings));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)) return { ok: false, code, message: (err as Error).message };
      if (err instanceof SyntaxError) return { ok: false, code: 'EVALUATION_INVALID', message: `image ${image.imageId}: ${err.message}` };
      throw err;
    }
  }
  return { ok: true, results };
}

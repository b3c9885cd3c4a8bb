import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { MatchResult } from './matchMessages.js';

/**
 * A match result as the worker returns it to piscina: its typed arrays (the
 * matches and the batch's rows handed back) moved to the main thread, not
 * copied. Copying them cost a serialisation on this side and an allocation and
 * a copy into fresh memory on the main thread, the evaluation's bottleneck.
 */
export function moveMatchResult(result: MatchResult): unknown {
  if (!result.ok) return result;
  const { matches, rows } = result;
  const arrays = [matches.imageIds, matches.predictions, matches.groundTruths, matches.entries, matches.scores, matches.bits, rows.images, rows.gts, rows.dts];
  // Each buffer once (two arrays may be views of one); a shared one (a SharedArrayBuffer) cannot move.
  const buffers = [...new Set(arrays.map((a) => a.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return result;
    },
  });
}

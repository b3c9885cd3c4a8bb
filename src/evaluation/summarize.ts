import type { EvaluationParams } from './evaluationParams.js';
import type { IouType } from './evaluationTypes.js';
import { meanOfDefined } from './meanOfDefined.js';
import { summaryStats } from './summaryStats.js';

/** COCOeval's `eval`: precision `[T, R, K, A, M]` and recall `[T, K, A, M]`, C order. */
export interface AccumulatedEval {
  precision: Float64Array;
  recall: Float64Array;
  K: number;
}

/**
 * COCOeval's `summarize`: each stat is the mean of the selected precision
 * (or recall) entries above -1, in numpy's C order and summation, -1 if none.
 */
export function summarize(iouType: IouType, p: EvaluationParams, e: AccumulatedEval): { summary: number[]; stats: Record<string, number> } {
  const R = p.recThrs.length;
  const A = p.areaRanges.length;
  const M = p.maxDets.length;
  const { K } = e;
  const summary: number[] = [];
  const stats: Record<string, number> = {};
  for (const stat of summaryStats(iouType)) {
    const a = p.areaRanges.findIndex((range) => range.label === stat.area);
    const m = p.maxDets.indexOf(stat.maxDets);
    const ts = stat.iouThr === undefined ? [...p.iouThrs.keys()] : [...p.iouThrs.keys()].filter((t) => p.iouThrs[t] === stat.iouThr);
    // Preallocated: a stat selects up to T x R x K entries (80,800 for COCO's 80 classes).
    const selected = new Float64Array(a >= 0 && m >= 0 ? ts.length * (stat.ap ? R * K : K) : 0);
    let n = 0;
    if (a >= 0 && m >= 0) {
      for (const t of ts) {
        if (stat.ap) for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) selected[n++] = e.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
        else for (let k = 0; k < K; k++) selected[n++] = e.recall[((t * K + k) * A + a) * M + m]!;
      }
    }
    const value = meanOfDefined(selected);
    summary.push(value);
    stats[stat.name] = value;
  }
  return { summary, stats };
}

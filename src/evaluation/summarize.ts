import type { EvaluationParams } from './evaluationParams.js';
import type { IouType } from './evaluationTypes.js';
import { meanOfDefined } from './meanOfDefined.js';
import { summaryStats } from './summaryStats.js';

/**
 * COCOeval's `eval`, its axes reordered: precision `[A, T, R, K]` at the last
 * maxDets (the only one its summary reads precision at) and recall
 * `[A, M, T, K]`, C order (pycocotools' are `[T, R, K, A, M]` and `[T, K, A, M]`).
 * A stat reads one area range and maxDets, which this order keeps together, and
 * a category's cells land 80 entries apart instead of 960: in pycocotools' order
 * each of a category's 12,120 precision entries fell on a page of its own, and
 * filling them took most of an 80-category accumulation.
 */
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
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
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
    if (stat.ap && a >= 0 && m >= 0 && m !== M - 1) throw new RangeError(`${stat.name}: precision is kept at the last maxDets only, not at ${stat.maxDets}`);
    // Selected in pycocotools' order (threshold, recall point, category), which its mean's summation follows.
    if (a >= 0 && m >= 0) {
      for (const t of ts) {
        if (stat.ap) for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) selected[n++] = e.precision[((a * T + t) * R + r) * K + k]!;
        else for (let k = 0; k < K; k++) selected[n++] = e.recall[((a * M + m) * T + t) * K + k]!;
      }
    }
    const value = meanOfDefined(selected);
    summary.push(value);
    stats[stat.name] = value;
  }
  return { summary, stats };
}

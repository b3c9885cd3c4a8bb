import type { CategoryDetections } from './CategoryDetections.js';
import type { EvaluationParams } from './evaluationParams.js';

/** Receives one (threshold, area range, maxDets) cell: its recall and 101-point precision. */
export type AccumulatedCell = (t: number, a: number, m: number, recall: number, precision: Float64Array) => void;

/**
 * COCOeval's `accumulate` for one category: the detections sorted by score
 * (stable: equal scores keep the order they were added), each maxDets keeping
 * a detection when its rank in its image is below it; for each area range
 * with ground truth to find (npig > 0) and each threshold, the cumulative
 * true and false positives (ignored detections count as neither), recall =
 * tp/npig, precision = tp/(tp+fp+eps) made non-increasing from the right and
 * read at the first detection reaching each recall threshold (0 past the
 * last). Cells it does not report stay -1.
 */
export function accumulateCategory(det: CategoryDetections, p: EvaluationParams, report: AccumulatedCell): void {
  const N = det.length;
  const { scores, ranks } = det;
  const order = new Uint32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const rc = new Float64Array(N);
  const pr = new Float64Array(N);
  const q = new Float64Array(R);
  p.maxDets.forEach((maxDet, m) => {
    const kept = order.filter((i) => ranks[i]! < maxDet);
    const nd = kept.length;
    p.areaRanges.forEach((_, a) => {
      const npig = det.notIgnored[a]!;
      if (npig === 0) return;
      const matched = det.matched[a]!;
      const ignored = det.ignored[a]!;
      for (let t = 0; t < T; t++) {
        const bit = 1 << t;
        let tp = 0;
        let fp = 0;
        for (let i = 0; i < nd; i++) {
          const j = kept[i]!;
          if (!(ignored[j]! & bit)) {
            if (matched[j]! & bit) tp++;
            else fp++;
          }
          rc[i] = tp / npig;
          pr[i] = tp / (fp + tp + Number.EPSILON);
        }
        const recall = nd ? rc[nd - 1]! : 0;
        for (let i = nd - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
        q.fill(0);
        let i = 0;
        for (let r = 0; r < R; r++) {
          while (i < nd && rc[i]! < p.recThrs[r]!) i++;
          if (i >= nd) break;
          q[r] = pr[i]!;
        }
        report(t, a, m, recall, q);
      }
    });
  });
}

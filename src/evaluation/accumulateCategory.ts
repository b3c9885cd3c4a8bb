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
 * read at the first detection reaching each recall threshold (numpy's
 * `searchsorted`, side left; 0 past the last). Cells it does not report stay -1.
 *
 * The same numbers as pycocotools' arrays, without them: one pass counts each
 * threshold's totals, and one pass from the last detection back undoes them
 * detection by detection, carrying the running maximum of the precision (the
 * monotone envelope) and handing it to each recall threshold the recall curve
 * crosses there. Detections ignored at every threshold are skipped. The
 * divisions are pycocotools' own, in its order.
 */
export function accumulateCategory(det: CategoryDetections, p: EvaluationParams, report: AccumulatedCell): void {
  const N = det.length;
  const { scores, ranks } = det;
  // Array.prototype.sort is stable (TimSort), so equal scores keep the order added, as numpy's mergesort;
  // it is also much faster with a comparator than a typed array's sort.
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const tp = new Float64Array(T);
  const fp = new Float64Array(T);
  const recall = new Float64Array(T);
  const envelope = new Float64Array(T);
  const next = new Int32Array(T);
  const q = Array.from({ length: T }, () => new Float64Array(R));
  p.maxDets.forEach((maxDet, m) => {
    const kept = order.every((i) => ranks[i]! < maxDet) ? order : order.filter((i) => ranks[i]! < maxDet);
    const nd = kept.length;
    p.areaRanges.forEach((_, a) => {
      const npig = det.notIgnored[a]!;
      if (npig === 0) return;
      const matched = det.matched[a]!;
      const ignored = det.ignored[a]!;
      // Detections ignored at every threshold (outside the area range, unmatched) count nowhere: left out of both passes.
      const all = (1 << T) - 1;
      const active: number[] = [];
      for (let i = 0; i < nd; i++) if ((ignored[kept[i]!]! & all) !== all) active.push(kept[i]!);
      tp.fill(0);
      fp.fill(0);
      for (const j of active) {
        const counted = ~ignored[j]!;
        const hit = matched[j]!;
        for (let t = 0; t < T; t++) {
          const bit = 1 << t;
          if (counted & bit) {
            if (hit & bit) tp[t]!++;
            else fp[t]!++;
          }
        }
      }
      for (let t = 0; t < T; t++) {
        q[t]!.fill(0);
        envelope[t] = 0;
        recall[t] = nd ? tp[t]! / npig : 0;
        // Recall thresholds above the last recall stay 0 (searchsorted runs past the end).
        let r = R - 1;
        while (r >= 0 && p.recThrs[r]! > recall[t]!) r--;
        next[t] = r;
      }
      // The precision only rises at a true positive (a false positive lowers it, an ignored detection keeps it), so the
      // envelope at a detection is the largest precision at the true positives from it on: only those are divided.
      for (let i = active.length - 1; i >= 0; i--) {
        const j = active[i]!;
        const counted = ~ignored[j]!;
        const hit = matched[j]!;
        for (let t = 0; t < T; t++) {
          const bit = 1 << t;
          if (!(counted & bit) || next[t]! < 0) continue;
          if (hit & bit) {
            const precision = tp[t]! / (fp[t]! + tp[t]! + Number.EPSILON);
            if (precision > envelope[t]!) envelope[t] = precision;
            tp[t]!--;
            // This detection is the first to reach every threshold above the recall before it.
            const before = tp[t]! / npig;
            let r = next[t]!;
            while (r >= 0 && p.recThrs[r]! > before) q[t]![r--] = envelope[t]!;
            next[t] = r;
          } else fp[t]!--;
        }
      }
      // The first detection reaches every threshold still unassigned (searchsorted gives index 0).
      for (let t = 0; t < T; t++) for (let r = next[t]!; r >= 0 && nd > 0; r--) q[t]![r] = envelope[t]!;
      for (let t = 0; t < T; t++) report(t, a, m, recall[t]!, q[t]!);
    });
  });
}

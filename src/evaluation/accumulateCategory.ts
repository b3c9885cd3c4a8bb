import type { CategoryDetections } from './CategoryDetections.js';
import type { EvaluationParams } from './evaluationParams.js';
import { orderByScore } from './orderByScore.js';

/**
 * Receives one (threshold, area range, maxDets) cell: its recall and, at the
 * last maxDets only, its 101-point precision (null at the others).
 */
export type AccumulatedCell = (t: number, a: number, m: number, recall: number, precision: Float64Array | null) => void;

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
 *
 * The precision is worked out at the last maxDets only: COCOeval's summary and
 * every per-category figure read it there (each AP stat at maxDets 100 for
 * boxes and masks, 20 for keypoints), and the other maxDets feed only the
 * recall stats. That skips two thirds of the backward passes for boxes and masks.
 */
export function accumulateCategory(det: CategoryDetections, p: EvaluationParams, report: AccumulatedCell): void {
  const N = det.length;
  // Stable, so equal scores keep the order added, as numpy's mergesort.
  const order = orderByScore(det.scores());
  // In score order, so that every pass below reads memory front to back.
  const { ranks, bits } = det.inOrder(order);
  const A = p.areaRanges.length;
  const stride = 2 * A;
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const ALL = (1 << T) - 1;
  const tp = new Float64Array(T);
  const fp = new Float64Array(T);
  const recall = new Float64Array(T);
  const envelope = new Float64Array(T);
  const next = new Int32Array(T);
  const q = Array.from({ length: T }, () => new Float64Array(R));
  const active = new Int32Array(N);
  const tally = new MaskTally(T);
  p.maxDets.forEach((maxDet, m) => {
    let nd = 0;
    for (let i = 0; i < N; i++) if (ranks[i]! < maxDet) nd++;
    for (let a = 0; a < A; a++) {
      const npig = det.notIgnored[a]!;
      if (npig === 0) continue;
      // Kept by maxDets and counted at some threshold: detections ignored at every one (outside the area range,
      // unmatched) count nowhere and are left out of both passes.
      let n = 0;
      for (let i = 0; i < N; i++) if (ranks[i]! < maxDet && (bits[i * stride + A + a]! & ALL) !== ALL) active[n++] = i;
      // The totals: each distinct mask of thresholds counted true (or false) positive is counted, then spread over its bits.
      tally.clear();
      for (let k = 0; k < n; k++) {
        const at = active[k]! * stride;
        const counted = ~bits[at + A + a]! & ALL;
        const hit = bits[at + a]!;
        tally.count(counted & hit, counted & ~hit);
      }
      tally.spread(tp, fp);
      if (m < p.maxDets.length - 1) {
        for (let t = 0; t < T; t++) report(t, a, m, nd ? tp[t]! / npig : 0, null);
        continue;
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
      // A detection false at every threshold (the commonest) only lowers every false-positive count: counted once, in `allFalse`.
      let allFalse = 0;
      for (let k = n - 1; k >= 0; k--) {
        const at = active[k]! * stride;
        const counted = ~bits[at + A + a]! & ALL;
        const hit = bits[at + a]!;
        if ((counted & ~hit) === ALL) {
          allFalse++;
          continue;
        }
        for (let left = counted; left !== 0; left &= left - 1) {
          const t = 31 - Math.clz32(left & -left);
          if (next[t]! < 0) continue;
          if (hit & (1 << t)) {
            const precision = tp[t]! / (fp[t]! - allFalse + tp[t]! + Number.EPSILON);
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
    }
  });
}

/** Counts of masks of thresholds, spread over their bits at the end: one count per detection instead of one per threshold. */
class MaskTally {
  readonly #T: number;
  readonly #tp: Int32Array;
  readonly #fp: Int32Array;
  /** The masks seen, so that spreading and clearing touch only those. */
  readonly #seen: number[] = [];

  constructor(T: number) {
    this.#T = T;
    this.#tp = new Int32Array(1 << T);
    this.#fp = new Int32Array(1 << T);
  }

  count(tpMask: number, fpMask: number): void {
    if (this.#tp[tpMask] === 0 && this.#fp[tpMask] === 0) this.#seen.push(tpMask);
    this.#tp[tpMask]!++;
    if (this.#tp[fpMask] === 0 && this.#fp[fpMask] === 0) this.#seen.push(fpMask);
    this.#fp[fpMask]!++;
  }

  /** Sets each threshold's totals. */
  spread(tp: Float64Array, fp: Float64Array): void {
    tp.fill(0);
    fp.fill(0);
    for (const mask of this.#seen) {
      for (let t = 0; t < this.#T; t++) {
        if (!(mask & (1 << t))) continue;
        tp[t]! += this.#tp[mask]!;
        fp[t]! += this.#fp[mask]!;
      }
    }
  }

  clear(): void {
    for (const mask of this.#seen) {
      this.#tp[mask] = 0;
      this.#fp[mask] = 0;
    }
    this.#seen.length = 0;
  }
}

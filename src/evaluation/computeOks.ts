import type { Box } from './evaluationTypes.js';
import { pairwiseSum } from './pairwiseSum.js';

/** A ground truth as OKS reads it. */
export interface OksGroundTruth {
  keypoints: ArrayLike<number>;
  bbox: Box;
  area: number;
}

/** `(sigmas * 2) ** 2`, COCOeval's `vars`. */
export function oksVariances(sigmas: readonly number[]): Float64Array {
  return Float64Array.from(sigmas, (s) => {
    const d = s * 2;
    return d * d;
  });
}

/**
 * Object keypoint similarity of one detection with one ground truth, as
 * COCOeval's `computeOks` computes it: over the ground truth's visible
 * keypoints; with none visible, the distance to the ground truth's box
 * enlarged to twice its size on each side. numpy's operation order and
 * pairwise sum are kept. Lengths must already match `vars` (3 numbers a keypoint).
 */
export function oks(dt: ArrayLike<number>, gt: OksGroundTruth, vars: Float64Array, scratch: Float64Array = new Float64Array(vars.length)): number {
  const k = vars.length;
  const g = gt.keypoints;
  let k1 = 0;
  for (let i = 0; i < k; i++) if (g[i * 3 + 2]! > 0) k1++;
  const [bx, by, bw, bh] = gt.bbox;
  const x0 = bx - bw;
  const x1 = bx + bw * 2;
  const y0 = by - bh;
  const y1 = by + bh * 2;
  const denominator = gt.area + Number.EPSILON;
  let n = 0;
  for (let i = 0; i < k; i++) {
    const xd = dt[i * 3]!;
    const yd = dt[i * 3 + 1]!;
    let dx: number;
    let dy: number;
    if (k1 > 0) {
      if (!(g[i * 3 + 2]! > 0)) continue;
      dx = xd - g[i * 3]!;
      dy = yd - g[i * 3 + 1]!;
    } else {
      dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
      dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
    }
    const e = (dx * dx + dy * dy) / vars[i]! / denominator / 2;
    scratch[n++] = Math.exp(-e);
  }
  return pairwiseSum(scratch, 0, n) / n;
}

/**
 * OKS of every detection (score order) with every ground truth: `D x G`,
 * row-major, or null when either side is empty (COCOeval's `[]`).
 */
export function computeOks(dts: readonly ArrayLike<number>[], gts: readonly OksGroundTruth[], vars: Float64Array): number[] | null {
  const D = dts.length;
  const G = gts.length;
  if (D === 0 || G === 0) return null;
  const out = new Array<number>(D * G).fill(0);
  const scratch = new Float64Array(vars.length);
  for (let g = 0; g < G; g++) for (let d = 0; d < D; d++) out[d * G + g] = oks(dts[d]!, gts[g]!, vars, scratch);
  return out;
}

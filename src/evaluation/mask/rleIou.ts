import type { Box } from '../evaluationTypes.js';
import { bbIou } from './bbIou.js';
import type { Rle } from './Rle.js';
import { rleArea } from './rleArea.js';
import { rleToBbox } from './rleToBbox.js';

/**
 * IoU of every detection mask with every ground-truth mask (maskApi.c's
 * `rleIou`): boxes first, and the runs are compared only where the boxes
 * overlap; a crowd's union is the detection's area; masks of different sizes
 * give -1.
 *
 * C walks both masks' runs together from the first pixel to the last, every
 * boundary of either a step, to count the intersection and the union. Here
 * the walk steps from one run of ones to the next ({@link intersection}),
 * stops where either mask's last run of ones ends, and the union is
 * `area(A) + area(B) - i`. The integers are C's, so the quotients are too; the
 * masks' runs cover their size exactly (annToRle checks it), as the identity
 * needs.
 * @param boxes the masks' boxes (`rleToBbox`), when the caller keeps them: walking a mask for its box costs as much as an IoU
 * @returns `D x G`, row-major (`[d * G + g]`)
 */
export function rleIou(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number>, boxes?: { dt: readonly Box[]; gt: readonly Box[] }): number[] {
  const G = gt.length;
  const D = dt.length;
  const o = bbIou(boxes?.dt ?? dt.map(rleToBbox), boxes?.gt ?? gt.map(rleToBbox), iscrowd);
  const dtArea = new Array<number>(D).fill(-1);
  for (let g = 0; g < G; g++) {
    let gtArea = -1;
    for (let d = 0; d < D; d++) {
      if (!(o[d * G + g]! > 0)) continue;
      const A = dt[d]!;
      const B = gt[g]!;
      if (A.h !== B.h || A.w !== B.w) {
        o[d * G + g] = -1;
        continue;
      }
      const i = intersection(A.counts, B.counts);
      if (i === 0) {
        o[d * G + g] = 0;
        continue;
      }
      if (dtArea[d]! < 0) dtArea[d] = rleArea(A);
      if (gtArea < 0) gtArea = rleArea(B);
      o[d * G + g] = i / (iscrowd[g] ? dtArea[d]! : dtArea[d]! + gtArea - i);
    }
  }
  return o;
}

/**
 * Pixels in both masks: each mask's runs of ones as absolute `[start, end)`
 * ranges, swept together, the one that ends first stepping on.
 */
function intersection(ac: Uint32Array, bc: Uint32Array): number {
  const na = ac.length - 1;
  const nb = bc.length - 1;
  if (na < 1 || nb < 1) return 0;
  let sa = ac[0]!;
  let ea = sa + ac[1]!;
  let sb = bc[0]!;
  let eb = sb + bc[1]!;
  let ja = 2;
  let jb = 2;
  let i = 0;
  for (;;) {
    const s = Math.max(sa, sb);
    const e = Math.min(ea, eb);
    if (e > s) i += e - s;
    if (ea <= eb) {
      if (ja >= na) return i;
      sa = ea + ac[ja]!;
      ea = sa + ac[ja + 1]!;
      ja += 2;
    } else {
      if (jb >= nb) return i;
      sb = eb + bc[jb]!;
      eb = sb + bc[jb + 1]!;
      jb += 2;
    }
  }
}

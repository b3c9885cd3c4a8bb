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
 * C walks both masks' runs together from the first pixel, every boundary of
 * either a step, counting the intersection and the union. Here the walk steps
 * from one run of ones to the next ({@link intersection}), stops where either
 * mask's last run of ones ends, and the union is `area(A) + area(B) - i`: the
 * same integers as C's, so the same quotients, for masks whose runs cover
 * their size (annToRle checks it). One exception keeps C's walk: C stops as
 * soon as both masks stand on an empty run at once, leaving the pixels after
 * it uncounted, which only masks that both have an empty run inside their
 * counts can do (an uncompressed RLE may; pycocotools' encoder never writes
 * one). Such a pair is walked as C walks it ({@link walkAsC}).
 * @param boxes the masks' boxes (`rleToBbox`), when the caller keeps them: walking a mask for its box costs as much as an IoU
 * @returns `D x G`, row-major (`[d * G + g]`)
 */
export function rleIou(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number>, boxes?: { dt: readonly Box[]; gt: readonly Box[] }): number[] {
  const G = gt.length;
  const D = dt.length;
  const o = bbIou(boxes?.dt ?? dt.map(rleToBbox), boxes?.gt ?? gt.map(rleToBbox), iscrowd);
  const dtArea = new Array<number>(D).fill(-1);
  // Whether each mask has an empty run inside its counts, found when a pair first needs it: -1 not yet known.
  const dtEmptyRun = new Array<number>(D).fill(-1);
  for (let g = 0; g < G; g++) {
    let gtArea = -1;
    let gtEmptyRun = -1;
    for (let d = 0; d < D; d++) {
      if (!(o[d * G + g]! > 0)) continue;
      const A = dt[d]!;
      const B = gt[g]!;
      if (A.h !== B.h || A.w !== B.w) {
        o[d * G + g] = -1;
        continue;
      }
      if (gtEmptyRun < 0) gtEmptyRun = hasEmptyInnerRun(B.counts) ? 1 : 0;
      if (dtEmptyRun[d]! < 0) dtEmptyRun[d] = hasEmptyInnerRun(A.counts) ? 1 : 0;
      if (gtEmptyRun === 1 && dtEmptyRun[d] === 1) {
        const [ci, cu] = walkAsC(A.counts, B.counts);
        o[d * G + g] = ci === 0 ? 0 : ci / (iscrowd[g] ? rleArea(A) : cu);
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

/** Whether a count other than the first and the last is 0: the only way C's walk can stop before the masks end. */
function hasEmptyInnerRun(counts: Uint32Array): boolean {
  for (let j = 1; j < counts.length - 1; j++) if (counts[j] === 0) return true;
  return false;
}

/** maskApi.c's walk over both masks' runs, to the letter: `[intersection, union]`. */
function walkAsC(ac: Uint32Array, bc: Uint32Array): [number, number] {
  let ca = ac[0]!;
  let cb = bc[0]!;
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < ac.length) {
      ca = ac[a++]!;
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < bc.length) {
      cb = bc[b++]!;
      vb = !vb;
    }
    ct += cb;
  }
  return [i, u];
}

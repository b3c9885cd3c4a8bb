import type { Box } from '../evaluationTypes.js';
import { bbIou } from './bbIou.js';
import type { Rle } from './Rle.js';
import { rleArea } from './rleArea.js';
import { rleToBbox } from './rleToBbox.js';

/**
 * IoU of every detection mask with every ground-truth mask (maskApi.c's
 * `rleIou`): boxes first, and the runs are walked only where the boxes
 * overlap; a crowd's union is the detection's area; masks of different sizes
 * give -1.
 * @param boxes the masks' boxes (`rleToBbox`), when the caller keeps them: walking a mask for its box costs as much as an IoU
 * @returns `D x G`, row-major (`[d * G + g]`)
 */
export function rleIou(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number>, boxes?: { dt: readonly Box[]; gt: readonly Box[] }): number[] {
  const G = gt.length;
  const o = bbIou(boxes?.dt ?? dt.map(rleToBbox), boxes?.gt ?? gt.map(rleToBbox), iscrowd);
  for (let g = 0; g < G; g++) {
    for (let d = 0; d < dt.length; d++) {
      if (!(o[d * G + g]! > 0)) continue;
      const A = dt[d]!;
      const B = gt[g]!;
      if (A.h !== B.h || A.w !== B.w) {
        o[d * G + g] = -1;
        continue;
      }
      const [i, u] = intersectionAndUnion(A.counts, B.counts);
      o[d * G + g] = i === 0 ? 0 : i / (iscrowd[g] ? rleArea(A) : u);
    }
  }
  return o;
}

function intersectionAndUnion(ac: Uint32Array, bc: Uint32Array): [number, number] {
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

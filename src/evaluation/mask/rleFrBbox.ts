import type { Rle } from './Rle.js';
import { rleFrPoly } from './rleFrPoly.js';

/** The mask of a box `[x, y, w, h]`: maskApi.c's `rleFrBbox`, the box as a 4-point polygon. */
export function rleFrBbox(bb: ArrayLike<number>, h: number, w: number): Rle {
  const xs = bb[0]!;
  const xe = xs + bb[2]!;
  const ys = bb[1]!;
  const ye = ys + bb[3]!;
  return rleFrPoly([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}

import type { Box } from '../evaluationTypes.js';
import type { Rle } from './Rle.js';

/**
 * The mask's bounding box `[x, y, w, h]` (maskApi.c's `rleToBbox`), with its
 * quirk kept: a run of ones that spans two columns makes the box full height.
 * It walks the runs a pair at a time, the first pixel and the last of each run
 * of ones, which is C's loop over every run with its parity tests unrolled:
 * every predicted mask of a segm evaluation passes through here once. C's
 * arithmetic is unsigned 32-bit, and so is this where it shows: an empty run
 * of ones at the very start puts its last pixel at 2^32 - 1, and a width or
 * height wraps. Counts add up to less than 2^32 (annToRle refuses larger
 * masks), so the running sum never does.
 */
export function rleToBbox(rle: Rle): Box {
  const { h, counts } = rle;
  const m = counts.length - (counts.length % 2);
  // C divides by h; a mask of no rows has no pixels, and its box is none.
  if (m === 0 || h === 0) return [0, 0, 0, 0];
  let xs = rle.w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  for (let j = 0; j < m; j += 2) {
    // The first pixel of the run of ones and its last, as C computes them (its `t % h` and `(t - y) / h`).
    cc += counts[j]!;
    const x0 = Math.floor(cc / h);
    const y0 = cc - x0 * h;
    cc += counts[j + 1]!;
    const t = cc === 0 ? 0xffffffff : cc - 1;
    const x1 = Math.floor(t / h);
    const y1 = t - x1 * h;
    if (x0 < x1) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x0, x1);
    xe = Math.max(xe, x0, x1);
    ys = Math.min(ys, y0, y1);
    ye = Math.max(ye, y0, y1);
  }
  return [xs, ys, (xe - xs + 1) >>> 0, (ye - ys + 1) >>> 0];
}

import type { Box } from '../evaluationTypes.js';
import type { Rle } from './Rle.js';

/**
 * The mask's bounding box `[x, y, w, h]` (maskApi.c's `rleToBbox`), with its
 * quirk kept: a run of ones that spans two columns makes the box full height.
 */
export function rleToBbox(rle: Rle): Box {
  const { h, counts } = rle;
  const m = Math.floor(counts.length / 2) * 2;
  if (m === 0) return [0, 0, 0, 0];
  let xs = rle.w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += counts[j]!;
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

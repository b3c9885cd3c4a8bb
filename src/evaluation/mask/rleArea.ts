import type { Rle } from './Rle.js';

/** The mask's pixel count: the sum of its odd runs (maskApi.c's `rleArea`). */
export function rleArea(rle: Rle): number {
  let area = 0;
  for (let j = 1; j < rle.counts.length; j += 2) area += rle.counts[j]!;
  return area;
}

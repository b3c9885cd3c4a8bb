import { EvaluationInputError } from '../EvaluationInputError.js';
import type { Rle } from './Rle.js';
import { rleFrPoly } from './rleFrPoly.js';
import { rleFrString } from './rleFrString.js';
import { rleMerge } from './rleMerge.js';

/**
 * A `segmentation` as the mask pycocotools compares (`COCO.annToRLE`):
 * polygons are rasterised at the image's size and merged; an RLE with a
 * counts list (uncompressed, crowds) and a compressed RLE keep their own
 * `size`. A list whose FIRST polygon has 4 numbers is refused: `frPyObjects`
 * takes it for a list of boxes and its `frBbox` then raises (it only accepts
 * a numpy array), so COCOeval cannot evaluate it either. So is a mask of 2^32
 * pixels or more: maskApi.c's run lengths and positions are 32-bit, and
 * past that they wrap (two polygons of one image then no longer cover the
 * same pixels, and merging them never ends).
 * @param what names the record in the error message
 * @throws EvaluationInputError when the value is neither polygons nor an RLE
 */
export function annToRle(segmentation: unknown, h: number, w: number, what: string): Rle {
  if (Array.isArray(segmentation)) {
    const first = segmentation[0];
    if (!Array.isArray(first)) throw new EvaluationInputError(`${what}: segmentation must be a list of polygons or an RLE`);
    if (first.length === 4) {
      throw new EvaluationInputError(`${what}: segmentation's first polygon has 4 numbers, which pycocotools reads as boxes and then fails on`);
    }
    checkSize(h, w, what);
    // One polygon's mask is the merge's result already; rleMerge would copy it.
    if (segmentation.length === 1) return rleFrPoly(first as ArrayLike<number>, h, w);
    return rleMerge((segmentation as ArrayLike<number>[]).map((p) => rleFrPoly(p, h, w)));
  }
  const rle = segmentation as { counts?: unknown; size?: unknown } | null;
  const size = rle?.size;
  if (rle === null || typeof rle !== 'object' || !Array.isArray(size) || size.length !== 2) {
    throw new EvaluationInputError(`${what}: segmentation must be a list of polygons or an RLE with a size`);
  }
  const [rh, rw] = size as [number, number];
  checkSize(rh, rw, what);
  if (Array.isArray(rle.counts)) {
    // Summed before the typed array would wrap a count past 2^32 into one that adds up.
    checkCovers(rle.counts as number[], rh, rw, what);
    return { h: rh, w: rw, counts: Uint32Array.from(rle.counts as number[]) };
  }
  if (typeof rle.counts !== 'string') throw new EvaluationInputError(`${what}: segmentation RLE counts must be a list or a string`);
  const counts = rleFrString(rle.counts);
  if (counts === null) {
    throw new EvaluationInputError(`${what}: segmentation RLE counts is not a compressed RLE string (characters 0-o, ending on a whole count)`);
  }
  checkCovers(counts, rh, rw, what);
  return { h: rh, w: rw, counts };
}

/**
 * Refuses runs that do not cover the mask exactly. maskApi.c's `rleIou` walks
 * two masks' runs until both end, and when one ends before the other the walk
 * never does: COCOeval hangs on such a pair, and a worker would too. C ends it
 * when both fall short alike, or never starts it when the boxes do not meet;
 * refusing every such mask is stricter than pycocotools, and says what is
 * wrong instead of hanging on some files and scoring others.
 */
function checkCovers(counts: ArrayLike<number>, h: number, w: number, what: string): void {
  let pixels = 0;
  for (let j = 0; j < counts.length; j++) pixels += counts[j]!;
  if (pixels !== h * w) {
    throw new EvaluationInputError(`${what}: segmentation RLE counts add up to ${pixels} pixels, not the ${h * w} of its size [${h}, ${w}]`);
  }
}

/** Refuses a mask whose pixels do not fit maskApi.c's 32-bit counts. */
function checkSize(h: number, w: number, what: string): void {
  if (h * w >= 2 ** 32) {
    throw new EvaluationInputError(`${what}: a ${h} x ${w} mask has 2^32 pixels or more, past what pycocotools' 32-bit run lengths hold`);
  }
}

import { PHASH_SIDE, perceptualHash } from '../quality/perceptualHash.js';

/** Raw pixels as sharp describes them. */
export interface RawPixels {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/**
 * The longer side, in pixels, of the decoded image a perceptual hash is made
 * from when no thumbnail is made (the hash-only job): the `medium` thumbnail's,
 * so that an image hashed either way gets the same hash.
 */
export const HASH_SOURCE_SIZE = 256;

/**
 * The perceptual hash of pixels already decoded for a thumbnail: averaged
 * into a 32x32 greyscale square (each cell the mean luma, Rec. 601, of the
 * pixels falling in it; aspect not kept, as pHash does) and hashed. In plain
 * JavaScript over the thumbnail's pixels rather than through another sharp
 * pipeline: that pipeline's round trip through libvips' thread pool was most
 * of hashing's cost (about 1.5 ms of a 20 ms thumbnail; this loop takes a fraction of one).
 */
export function hashPixels(pixels: RawPixels): string {
  return perceptualHash(cellMeans(pixels));
}

/**
 * The mean luma of each cell of the 32x32 grid laid over the pixels, row by
 * row: pixel (x, y) falls in cell (⌊32x / width⌋, ⌊32y / height⌋). A cell a
 * thumbnail narrower (or shorter) than 32 px leaves empty takes its previous
 * cell's mean. Grey pixels (one or two channels) are their own luma.
 *
 * It runs in every thumbnail task, so its cost is part of hashing's share of
 * the stage (target Q1): each row adds a cell's run of pixels in local
 * integers, per channel, and writes the cell once; the luma weights apply per
 * cell, which is the same sum reordered.
 */
export function cellMeans(pixels: RawPixels): Float64Array {
  const { data, info } = pixels;
  const { width, height, channels } = info;
  const cells = PHASH_SIDE * PHASH_SIDE;
  const red = new Float64Array(cells);
  const green = new Float64Array(cells);
  const blue = new Float64Array(cells);
  const columnEnd = bandEnds(width);
  const rowEnd = bandEnds(height);
  const colour = channels >= 3;
  for (let y = 0, i = 0, cy = 0; y < height; y++) {
    while (y >= rowEnd[cy]!) cy++;
    const row = cy * PHASH_SIDE;
    for (let cx = 0, x = 0; cx < PHASH_SIDE; cx++) {
      const end = columnEnd[cx]!;
      let r = 0;
      let g = 0;
      let b = 0;
      if (colour) {
        for (; x < end; x++, i += channels) {
          r += data[i]!;
          g += data[i + 1]!;
          b += data[i + 2]!;
        }
      } else {
        for (; x < end; x++, i += channels) r += data[i]!;
      }
      red[row + cx]! += r;
      green[row + cx]! += g;
      blue[row + cx]! += b;
    }
  }
  const means = new Float64Array(cells);
  for (let cy = 0, c = 0; cy < PHASH_SIDE; cy++) {
    const rows = rowEnd[cy]! - (cy > 0 ? rowEnd[cy - 1]! : 0);
    for (let cx = 0; cx < PHASH_SIDE; cx++, c++) {
      const count = rows * (columnEnd[cx]! - (cx > 0 ? columnEnd[cx - 1]! : 0));
      const sum = colour ? 0.299 * red[c]! + 0.587 * green[c]! + 0.114 * blue[c]! : red[c]!;
      means[c] = count > 0 ? sum / count : c > 0 ? means[c - 1]! : 0;
    }
  }
  return means;
}

/** For each band k of the 32 along a side of `length` pixels, the first pixel past it: ⌈(k + 1) · length / 32⌉ (equal ends: an empty band). */
function bandEnds(length: number): Int32Array {
  const ends = new Int32Array(PHASH_SIDE);
  for (let k = 0; k < PHASH_SIDE; k++) ends[k] = Math.ceil(((k + 1) * length) / PHASH_SIDE);
  return ends;
}

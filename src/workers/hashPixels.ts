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
  const { data, info } = pixels;
  const { width, height, channels } = info;
  const sums = new Float64Array(PHASH_SIDE * PHASH_SIDE);
  const counts = new Uint32Array(PHASH_SIDE * PHASH_SIDE);
  // Each column's cell, computed once rather than per pixel: this loop runs in
  // every thumbnail task, so its cost is part of hashing's share of the stage.
  const columnCell = new Int32Array(width);
  for (let x = 0; x < width; x++) columnCell[x] = Math.floor((x * PHASH_SIDE) / width);
  const colour = channels >= 3;
  for (let y = 0, i = 0; y < height; y++) {
    const row = Math.floor((y * PHASH_SIDE) / height) * PHASH_SIDE;
    for (let x = 0; x < width; x++, i += channels) {
      const cell = row + columnCell[x]!;
      sums[cell]! += colour ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! : data[i]!;
      counts[cell]!++;
    }
  }
  // A thumbnail narrower than 32 px leaves cells empty: they take their row's previous cell.
  for (let c = 0; c < sums.length; c++) sums[c] = counts[c]! > 0 ? sums[c]! / counts[c]! : c > 0 ? sums[c - 1]! : 0;
  return perceptualHash(sums);
}

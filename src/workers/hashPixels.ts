import sharp from 'sharp';
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
 * The perceptual hash of pixels already decoded for a thumbnail: shrunk to a
 * 32x32 greyscale square (aspect not kept, as pHash does) and hashed. Working
 * from the thumbnail's pixels, not the file, is what keeps it nearly free.
 */
export async function hashPixels(pixels: RawPixels): Promise<string> {
  const grey = await sharp(pixels.data, { raw: pixels.info }).resize(PHASH_SIDE, PHASH_SIDE, { fit: 'fill' }).greyscale().raw().toBuffer();
  return perceptualHash(grey);
}

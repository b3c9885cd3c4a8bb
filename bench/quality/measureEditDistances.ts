import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { hammingDistance } from '../../src/quality/hammingDistance.js';
import makeThumbnails from '../../src/workers/thumbnailWorker.js';
import type { PoolPhoto } from '../PoolPhoto.js';

/** The edits an image is put through, as a person copying it might. */
export const EDITS: Record<string, (input: Buffer, width: number, height: number) => Promise<Buffer>> = {
  'resized to half': (input, width) =>
    sharp(input)
      .resize(Math.round(width / 2))
      .jpeg({ quality: 90 })
      .toBuffer(),
  'JPEG quality 50': (input) => sharp(input).jpeg({ quality: 50 }).toBuffer(),
  'WebP quality 70': (input) => sharp(input).webp({ quality: 70 }).toBuffer(),
  'cropped 1% a side': (input, w, h) =>
    sharp(input)
      .extract({ left: Math.round(w * 0.01), top: Math.round(h * 0.01), width: Math.round(w * 0.98), height: Math.round(h * 0.98) })
      .jpeg()
      .toBuffer(),
  'cropped 3% a side': (input, w, h) =>
    sharp(input)
      .extract({ left: Math.round(w * 0.03), top: Math.round(h * 0.03), width: Math.round(w * 0.94), height: Math.round(h * 0.94) })
      .jpeg()
      .toBuffer(),
  'brightened 10%': (input) => sharp(input).modulate({ brightness: 1.1 }).jpeg().toBuffer(),
  'brightened 20%': (input) => sharp(input).modulate({ brightness: 1.2 }).jpeg().toBuffer(),
};

async function hashOf(bytes: Uint8Array): Promise<string> {
  const result = await makeThumbnails({ source: { kind: 'bytes', bytes }, outputs: [], quality: 80, maxPixels: 100_000_000, hashes: true });
  if (!result.ok || !result.hashes) throw new Error(result.ok ? 'no hashes' : result.message);
  return result.hashes.perceptual;
}

/**
 * The Hamming distances between each photo's perceptual hash and its edited
 * copies' (by edit), and between every two distinct photos: the measurement the
 * default `max_distance` is chosen by.
 */
export async function measureEditDistances(photos: readonly PoolPhoto[]): Promise<{ edits: Record<string, number[]>; distinct: number[] }> {
  const edits: Record<string, number[]> = Object.fromEntries(Object.keys(EDITS).map((k) => [k, []]));
  const hashes: string[] = [];
  for (const photo of photos) {
    const bytes = await readFile(photo.path);
    const hash = await hashOf(bytes);
    hashes.push(hash);
    const { width, height } = await sharp(bytes).metadata();
    for (const [name, edit] of Object.entries(EDITS)) edits[name]!.push(hammingDistance(hash, await hashOf(await edit(bytes, width, height))));
  }
  const distinct: number[] = [];
  for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) distinct.push(hammingDistance(hashes[i]!, hashes[j]!));
  return { edits, distinct };
}

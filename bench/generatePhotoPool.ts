import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { SeededRandom } from './SeededRandom.js';

/** Options of {@link generatePhotoPool}. */
export interface GeneratePhotoPoolOptions {
  /** How many photos. Default 24. */
  count?: number;
  /** Default 640, COCO's usual width. */
  width?: number;
  /** Default 480. */
  height?: number;
  /** Default 1. */
  seed?: number;
}

/** Defaults of {@link GeneratePhotoPoolOptions}. */
export const GENERATE_PHOTO_POOL_DEFAULTS = { count: 24, width: 640, height: 480, seed: 1 } as const;

/**
 * Writes `count` photo-like JPEGs into `dir` and returns their paths. Used when
 * no real photos are available. Gradients plus per-pixel noise, because flat or
 * purely synthetic images decode and compress far faster than photos and would
 * flatter the thumbnail figures; 4:4:4 chroma and quality 90 like COCO's JPEGs.
 */
export async function generatePhotoPool(dir: string, options: GeneratePhotoPoolOptions = {}): Promise<string[]> {
  const { count, width, height, seed } = { ...GENERATE_PHOTO_POOL_DEFAULTS, ...options };
  const random = new SeededRandom(seed);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= count; i++) {
    const pixels = Buffer.alloc(width * height * 3);
    const base = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
    const slope = [random.between(-1, 1), random.between(-1, 1), random.between(-1, 1)];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const offset = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) {
          const gradient = base[c]! + slope[c]! * (x - y) * 0.3;
          pixels[offset + c] = Math.max(0, Math.min(255, gradient + random.between(-40, 40)));
        }
      }
    }
    const file = path.join(dir, `pool-${String(i).padStart(3, '0')}.jpg`);
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ chromaSubsampling: '4:4:4', quality: 90 })
      .toFile(file);
    files.push(file);
  }
  return files;
}

import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import makeThumbnails from '../../src/workers/thumbnailWorker.js';
import type { PoolPhoto } from '../PoolPhoto.js';

/**
 * Thumbnails per second of the service's own worker function over `photos`
 * (one 256 px WebP each, as an ingest makes), with and without hashes,
 * alternating round by round in the same process so that both meet the same
 * machine. Returns each round's rate of each.
 */
export async function measureHashCost(photos: readonly PoolPhoto[], outDir: string, rounds: number): Promise<{ plain: number[]; hashed: number[] }> {
  await mkdir(outDir, { recursive: true });
  const rate = async (hashes: boolean): Promise<number> => {
    const started = performance.now();
    for (const [i, photo] of photos.entries()) {
      const result = await makeThumbnails({
        source: { kind: 'path', path: photo.path },
        outputs: [{ size: 256, path: path.join(outDir, `${i}.webp`) }],
        quality: 80,
        maxPixels: 100_000_000,
        hashes,
      });
      if (!result.ok) throw new Error(result.message);
    }
    return (photos.length / (performance.now() - started)) * 1000;
  };
  const plain: number[] = [];
  const hashed: number[] = [];
  try {
    await rate(false); // warm-up: libvips and the page cache
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        plain.push(await rate(false));
        hashed.push(await rate(true));
      } else {
        hashed.push(await rate(true));
        plain.push(await rate(false));
      }
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  return { plain, hashed };
}

import { existsSync } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { findFiles } from './findFiles.js';
import { generatePhotoPool } from './generatePhotoPool.js';
import type { PoolPhoto } from './PoolPhoto.js';

/** The pool of source photos, and where it came from. */
export interface ImagePool {
  photos: PoolPhoto[];
  /** `real` when found under the images folder, `generated` when made with sharp. */
  origin: 'real' | 'generated';
  /** Where the photos were found, or written. */
  dir: string;
}

/**
 * The photos every generated image folder links to: the `.jpg` files under
 * `imagesDir` (searched recursively), or, when that folder is absent or holds
 * none, a pool generated into `workDir`. Photos on another file system than
 * `workDir` are copied next to it first, since hard links cannot cross devices.
 * Each photo's dimensions are read once here.
 */
export async function loadImagePool(imagesDir: string, workDir: string): Promise<ImagePool> {
  await mkdir(workDir, { recursive: true });
  let files = existsSync(imagesDir) ? await findFiles(imagesDir, (name) => name.toLowerCase().endsWith('.jpg')) : [];
  const origin = files.length > 0 ? 'real' : 'generated';
  let dir = imagesDir;
  if (origin === 'generated') {
    dir = path.join(workDir, 'generated-pool');
    files = await generatePhotoPool(dir);
  } else if ((await stat(files[0]!)).dev !== (await stat(workDir)).dev) {
    dir = path.join(workDir, 'copied-pool');
    files = await copyInto(files, dir);
  }
  const photos: PoolPhoto[] = [];
  for (const file of files) {
    const meta = await sharp(file).metadata();
    photos.push({ path: file, width: meta.autoOrient.width, height: meta.autoOrient.height });
  }
  return { photos, origin, dir };
}

async function copyInto(files: string[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const copies: string[] = [];
  for (const [i, file] of files.entries()) {
    // Indexed names: real folders (train2017/, val2017/) may share file names.
    const copy = path.join(dir, `${String(i).padStart(5, '0')}-${path.basename(file)}`);
    await copyFile(file, copy);
    copies.push(copy);
  }
  return copies;
}

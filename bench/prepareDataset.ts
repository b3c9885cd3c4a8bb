import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CocoCategory } from './cocoCategories.js';
import { type GeneratedCoco, generateCoco } from './generateCoco.js';
import { makeImageFolder } from './makeImageFolder.js';
import type { PoolPhoto } from './PoolPhoto.js';

/** A generated dataset on disk, laid out like a COCO download. */
export interface PreparedDataset extends GeneratedCoco {
  name: string;
  /** `<dir>/annotations/instances_<name>.json`. */
  annotationPath: string;
  /** `<dir>/images`, the folder the records' `file_name`s are relative to. */
  imageDir: string;
}

/**
 * Generates dataset `name` of `images` images under `<rootDir>/<name>`: the
 * annotation file and an image folder of hard links to the pool, the two
 * agreeing on every image's dimensions.
 */
export async function prepareDataset(
  rootDir: string,
  name: string,
  images: number,
  pool: readonly PoolPhoto[],
  categories: readonly CocoCategory[],
  withImages = true,
): Promise<PreparedDataset> {
  const dir = path.join(rootDir, name);
  const annotationPath = path.join(dir, 'annotations', `instances_${name}.json`);
  const imageDir = path.join(dir, 'images');
  await mkdir(path.dirname(annotationPath), { recursive: true });
  const generated = await generateCoco(annotationPath, { images, pool, categories });
  if (withImages) await makeImageFolder(imageDir, pool, images);
  else await mkdir(imageDir, { recursive: true });
  return { ...generated, name, annotationPath, imageDir };
}

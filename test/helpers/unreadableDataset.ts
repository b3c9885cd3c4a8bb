import { link, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { oneBoxEach } from './oneBoxEach.js';
import { SAMPLE_DIR } from './startTestServer.js';

/** The images of {@link writeUnreadableDataset} that cannot be hashed, and the failure code each must get. */
export const UNREADABLE: Readonly<Record<string, string>> = {
  'notes.jpg': 'IMAGE_UNSUPPORTED',
  'missing.jpg': 'IMAGE_MISSING',
};

/** A dataset written by {@link writeUnreadableDataset}. */
export interface UnreadableDataset {
  annotationPath: string;
  imageDir: string;
  /** The readable images' file names, each a hard link to a distinct fixture photo. */
  photos: string[];
}

/**
 * Writes a COCO instances file into `dir` whose images are `photos` fixture
 * photos (hard links, distinct), a text file named `notes.jpg` (a real file
 * that is not an image) and `missing.jpg`, which is not there.
 */
export async function writeUnreadableDataset(dir: string, photos: number): Promise<UnreadableDataset> {
  const imageDir = path.join(dir, 'images');
  await mkdir(imageDir, { recursive: true });
  const sources = (await readdir(path.join(SAMPLE_DIR, 'images/val'))).filter((n) => n.endsWith('.jpg')).sort();
  if (photos > sources.length) throw new RangeError(`the fixtures have ${sources.length} distinct photos, not ${photos}`);
  const names = sources.slice(0, photos);
  for (const name of names) await link(path.join(SAMPLE_DIR, 'images/val', name), path.join(imageDir, name));
  await writeFile(path.join(imageDir, 'notes.jpg'), 'these are notes, not a photo\n');
  const files = [...names, ...Object.keys(UNREADABLE)];
  const coco = oneBoxEach(files, 640, 480);
  const annotationPath = path.join(dir, 'instances_unreadable.json');
  await writeFile(annotationPath, JSON.stringify(coco));
  return { annotationPath, imageDir, photos: names };
}

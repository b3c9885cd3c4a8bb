import path from 'node:path';
import type { HasFolder } from '../AnnotationFormat.js';

/**
 * Where an LVIS image is read from, relative to the image folder: its
 * `image_ref` (`val2017/000000000139.jpg`, from its `coco_url`) when the folder
 * has that split folder, else the file name alone (the folder is the split's
 * own), as LVIS's loaders do.
 */
export function locateLvisImage(imageRef: string, hasFolder: HasFolder): string | Promise<string> {
  const slash = imageRef.indexOf('/');
  if (slash < 0) return imageRef;
  return hasFolder(imageRef.slice(0, slash)).then((has) => (has ? imageRef : path.posix.basename(imageRef)));
}

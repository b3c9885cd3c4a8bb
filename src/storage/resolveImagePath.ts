import path from 'node:path';

/**
 * Joins an image's `file_name` to its folder, or returns null when the name would
 * leave the folder (`../`, an absolute path, a NUL byte). COCO file names are
 * relative to the image folder; anything else is refused, never read.
 */
export function resolveImagePath(imageDir: string, fileName: string): string | null {
  if (fileName.includes('\0') || path.isAbsolute(fileName) || /^[A-Za-z]:/.test(fileName)) return null;
  const full = path.resolve(imageDir, fileName);
  const rel = path.relative(imageDir, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return full;
}

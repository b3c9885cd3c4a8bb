import { normalizeImage } from '../coco/normalizeRecords.js';
import { describe, fail, failMissing, type RawRecord } from '../recordChecks.js';
import type { CocoImage } from '../records.js';

const ID_LISTS = ['neg_category_ids', 'not_exhaustive_category_ids'] as const;

/**
 * Validates one LVIS image. LVIS images have no `file_name`, only a `coco_url`
 * (`http://images.cocodataset.org/val2017/000000000139.jpg`); as LVIS's loaders
 * do, the image is looked for at the URL's last two segments under the image
 * folder (`val2017/000000000139.jpg`, kept as `image_ref`), or by the last one
 * alone when the folder is the split's own. `neg_category_ids` and
 * `not_exhaustive_category_ids`, when present, must be lists of integers; they
 * are kept with the other fields in `extra`.
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field
 */
export function normalizeLvisImage(raw: unknown, index: number, file: string): CocoImage {
  const r = raw as RawRecord;
  const hasName = typeof r === 'object' && r !== null && !Array.isArray(r) && r.file_name !== undefined;
  const url = hasName ? undefined : (r as RawRecord | null)?.coco_url;
  // With a file_name the record is COCO's; normalizeImage validates everything else, coco_url included as an extra.
  const image = normalizeImage(hasName ? raw : { ...(raw as RawRecord), file_name: 'x' }, index, file);
  for (const key of ID_LISTS) {
    const list = image.extra?.[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((v) => Number.isSafeInteger(v)))) {
      fail(file, 'images', index, key, `expected a list of category ids, got ${describe(list)}`);
    }
  }
  if (hasName) return image;
  if (url === undefined) failMissing(file, 'images', index, 'file_name (or coco_url)');
  return { ...image, file_name: null, image_ref: refFromUrl(url, file, index) };
}

/** `val2017/000000000139.jpg` from `http://images.cocodataset.org/val2017/000000000139.jpg`. */
function refFromUrl(url: unknown, file: string, index: number): string {
  let parsed: URL | null = null;
  if (typeof url === 'string') {
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
  }
  const segments = parsed?.pathname.split('/').filter((s) => s.length > 0) ?? [];
  // The folder and the file name, decoded; a broken %-escape, or one that decodes to a separator or a dot segment, is no name.
  const ref = segments.slice(-2).map(decodedSegment);
  if (!parsed || ref.length === 0 || segments.some((s) => s === '..' || s === '.') || ref.some((s) => s === null)) {
    fail(file, 'images', index, 'coco_url', `expected an image URL such as http://host/val2017/000000000139.jpg, got ${describe(url)}`);
  }
  return ref.join('/');
}

/** A path segment of a URL, decoded, or null when it is not a file or folder name. */
function decodedSegment(segment: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return decoded === '..' || decoded === '.' || /[/\\\0]/.test(decoded) ? null : decoded;
}

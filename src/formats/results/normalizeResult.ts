import { addExtra, asRecord, checkGeometry, describe, fail, failInteger, failMissing } from '../recordChecks.js';
import type { CocoResult } from '../records.js';

/** Results have no key: their records are named `[17]`, as the file's top-level array holds them. */
const SECTION = '';

/**
 * Validates one element of a COCO results file: `image_id` (integer); for a
 * caption, `caption` (string); otherwise `category_id` (integer) and `score`
 * (a finite number) with at least one of `bbox`, `segmentation` (polygons or
 * RLE) or `keypoints`. `id` and `area` are optional; other fields are kept in `extra`.
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field
 */
export function normalizeResult(raw: unknown, index: number, file: string): CocoResult {
  const r = asRecord(raw, file, SECTION, index);
  const id = r.id ?? null;
  const caption = r.caption ?? null;
  const categoryId = r.category_id ?? null;
  const score = r.score ?? null;
  const bbox = r.bbox ?? null;
  const area = r.area ?? null;
  const segmentation = r.segmentation ?? null;
  const keypoints = r.keypoints ?? null;
  if (!Number.isSafeInteger(r.image_id)) failInteger(file, SECTION, index, 'image_id', r.image_id);
  if (id !== null && !Number.isSafeInteger(id)) failInteger(file, SECTION, index, 'id', id);
  if (caption !== null && typeof caption !== 'string') fail(file, SECTION, index, 'caption', `expected a string, got ${describe(caption)}`);
  if (caption === null || categoryId !== null) {
    if (!Number.isSafeInteger(categoryId)) failInteger(file, SECTION, index, 'category_id', r.category_id);
  }
  if (caption === null || score !== null) {
    if (score === null) failMissing(file, SECTION, index, 'score');
    if (!Number.isFinite(score)) fail(file, SECTION, index, 'score', `expected a number, got ${describe(score)}`);
  }
  checkGeometry(bbox, area, segmentation, keypoints, file, SECTION, index);
  if (caption === null && bbox === null && segmentation === null && keypoints === null) {
    failMissing(file, SECTION, index, 'bbox, segmentation, keypoints or caption');
  }
  let extra: Record<string, unknown> | null = null;
  for (const key in r) {
    switch (key) {
      case 'id':
      case 'image_id':
      case 'category_id':
      case 'score':
      case 'bbox':
      case 'area':
      case 'segmentation':
      case 'keypoints':
      case 'caption':
        break;
      default:
        extra = addExtra(extra, key, r[key]);
    }
  }
  return {
    id: id as number | null,
    image_id: r.image_id as number,
    category_id: categoryId as number | null,
    score: score as number | null,
    bbox: bbox as CocoResult['bbox'],
    area: area as number | null,
    segmentation,
    keypoints: keypoints as number[] | null,
    caption: caption as string | null,
    extra,
  };
}

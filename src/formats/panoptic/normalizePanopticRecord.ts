import { addExtra, asRecord, bboxProblem, describe, fail, failInteger, failMissing, isBbox, isNonNegativeInteger, type RawRecord } from '../recordChecks.js';
import type { PanopticRecord, PanopticSegment } from '../records.js';

/**
 * Validates one element of a panoptic file's `annotations`: `image_id`
 * (integer), `file_name` (the PNG, a non-empty string) and `segments_info`, a
 * list of segments each with `id` (a positive integer, the segment's colour,
 * unique within the image), `category_id` (integer), and optional `iscrowd`
 * (0/1), `bbox` and `area`. Other fields are kept in `extra`.
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field
 */
export function normalizePanopticRecord(raw: unknown, index: number, file: string): PanopticRecord {
  const r = asRecord(raw, file, 'annotations', index);
  if (!Number.isSafeInteger(r.image_id)) failInteger(file, 'annotations', index, 'image_id', r.image_id);
  if (typeof r.file_name !== 'string' || r.file_name.length === 0) {
    if (r.file_name === undefined) failMissing(file, 'annotations', index, 'file_name');
    fail(file, 'annotations', index, 'file_name', `expected the PNG's name, got ${describe(r.file_name)}`);
  }
  const list = r.segments_info;
  if (!Array.isArray(list)) {
    if (list === undefined) failMissing(file, 'annotations', index, 'segments_info');
    fail(file, 'annotations', index, 'segments_info', `expected a list of segments, got ${describe(list)}`);
  }
  const seen = new Map<number, number>();
  const segments: PanopticSegment[] = [];
  for (let k = 0; k < list.length; k++) {
    const segment = segmentOf(list[k], file, index, k);
    const first = seen.get(segment.id);
    if (first !== undefined) {
      fail(file, 'annotations', index, `segments_info[${k}].id`, `duplicate segment id ${segment.id} (first at segments_info[${first}])`);
    }
    seen.set(segment.id, k);
    segments.push(segment);
  }
  let extra: Record<string, unknown> | null = null;
  for (const key in r) {
    if (key !== 'image_id' && key !== 'file_name' && key !== 'segments_info') extra = addExtra(extra, key, r[key]);
  }
  return { image_id: r.image_id as number, file_name: r.file_name, segments_info: segments, extra };
}

function segmentOf(raw: unknown, file: string, index: number, k: number): PanopticSegment {
  const at = `segments_info[${k}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, 'annotations', index, at, `expected an object, got ${describe(raw)}`);
  const s = raw as RawRecord;
  if (!(Number.isSafeInteger(s.id) && (s.id as number) > 0 && (s.id as number) < 256 ** 3)) {
    if (s.id === undefined) failMissing(file, 'annotations', index, `${at}.id`);
    fail(file, 'annotations', index, `${at}.id`, `expected a segment colour id between 1 and 16777215, got ${describe(s.id)}`);
  }
  if (!Number.isSafeInteger(s.category_id)) failInteger(file, 'annotations', index, `${at}.category_id`, s.category_id);
  const iscrowd = s.iscrowd ?? 0;
  if (iscrowd !== 0 && iscrowd !== 1 && iscrowd !== false && iscrowd !== true) {
    fail(file, 'annotations', index, `${at}.iscrowd`, `expected 0 or 1, got ${describe(iscrowd)}`);
  }
  const bbox = s.bbox ?? null;
  if (bbox !== null && !isBbox(bbox)) fail(file, 'annotations', index, `${at}.bbox`, bboxProblem(bbox));
  const area = s.area ?? null;
  if (area !== null && !isNonNegativeInteger(area)) {
    fail(file, 'annotations', index, `${at}.area`, `expected a pixel count (an integer >= 0), got ${describe(area)}`);
  }
  let extra: Record<string, unknown> | null = null;
  for (const key in s) {
    switch (key) {
      case 'id':
      case 'category_id':
      case 'iscrowd':
      case 'bbox':
      case 'area':
        break;
      default:
        extra = addExtra(extra, key, s[key]);
    }
  }
  return {
    id: s.id as number,
    category_id: s.category_id as number,
    iscrowd: iscrowd === 1 || iscrowd === true,
    bbox: bbox as PanopticSegment['bbox'],
    area: area as number | null,
    extra,
  };
}

import { invalidAnnotations } from '../errors.js';
import type { CocoAnnotation, CocoCategory, CocoImage, CocoSection } from './cocoRecords.js';

// These run once per record (about a million times for a large dataset), so they
// are written as straight-line checks on the raw object: no schema library, no
// closures, and the raw arrays (bbox, polygons, keypoints) are kept, not copied.
// The success path only calls cheap predicates; building a message happens in
// `fail`/`describe`, off the hot path.

type RawRecord = Record<string, unknown>;

/**
 * Validates one element of `images` and returns it as a {@link CocoImage}.
 * `id` (integer) and `file_name` (non-empty string) are required; `width`,
 * `height` (positive integers) and `license` (integer) may be absent or null.
 * Any other field is kept in `extra`.
 * @param raw the element as parsed from JSON (treated as untrusted)
 * @param index its position in `images`, for error messages
 * @param file the file label for error messages, e.g. `instances_val2017.json`
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field
 */
export function normalizeImage(raw: unknown, index: number, file: string): CocoImage {
  const r = asRecord(raw, file, 'images', index);
  const id = r.id;
  const fileName = r.file_name;
  const width = r.width ?? null;
  const height = r.height ?? null;
  const license = r.license ?? null;

  if (!Number.isSafeInteger(id)) failInteger(file, 'images', index, 'id', id);
  if (typeof fileName !== 'string' || fileName.length === 0) {
    if (fileName === undefined) failMissing(file, 'images', index, 'file_name');
    fail(file, 'images', index, 'file_name', `expected a non-empty string, got ${describe(fileName)}`);
  }
  if (width !== null && !isPositiveInteger(width)) {
    fail(file, 'images', index, 'width', `expected a positive integer, got ${describe(width)}`);
  }
  if (height !== null && !isPositiveInteger(height)) {
    fail(file, 'images', index, 'height', `expected a positive integer, got ${describe(height)}`);
  }
  if (license !== null && !Number.isSafeInteger(license)) failInteger(file, 'images', index, 'license', license);

  let extra: RawRecord | null = null;
  for (const key in r) {
    switch (key) {
      case 'id':
      case 'file_name':
      case 'width':
      case 'height':
      case 'license':
        break;
      default:
        extra = addExtra(extra, key, r[key]);
    }
  }
  return {
    id: id as number,
    file_name: fileName,
    width: width as number | null,
    height: height as number | null,
    license: license as number | null,
    extra,
  };
}

/**
 * Validates one element of `annotations` (instances, keypoints or captions) and
 * returns it as a {@link CocoAnnotation}. `id` and `image_id` (integers) are
 * required; `category_id` (integer) is required unless the annotation has a
 * `caption`. Optional fields (absent or null): `bbox` (4 finite numbers, width and
 * height >= 0), `area` (finite, >= 0), `iscrowd` (0, 1 or a boolean; default
 * false), `segmentation` (polygons or an RLE `{size: [h, w], counts}`),
 * `keypoints` (numbers, a multiple of 3 of them), `num_keypoints` (non-negative
 * integer), `caption` (string). Any other field is kept in `extra`.
 * @param raw the element as parsed from JSON (treated as untrusted)
 * @param index its position in `annotations`, for error messages
 * @param file the file label for error messages
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field
 */
export function normalizeAnnotation(raw: unknown, index: number, file: string): CocoAnnotation {
  const r = asRecord(raw, file, 'annotations', index);
  const id = r.id;
  const imageId = r.image_id;
  const categoryId = r.category_id ?? null;
  const bbox = r.bbox ?? null;
  const area = r.area ?? null;
  const iscrowd = r.iscrowd ?? false;
  const segmentation = r.segmentation ?? null;
  const keypoints = r.keypoints ?? null;
  const numKeypoints = r.num_keypoints ?? null;
  const caption = r.caption ?? null;

  if (!Number.isSafeInteger(id)) failInteger(file, 'annotations', index, 'id', id);
  if (!Number.isSafeInteger(imageId)) failInteger(file, 'annotations', index, 'image_id', imageId);
  if (caption !== null && typeof caption !== 'string') {
    fail(file, 'annotations', index, 'caption', `expected a string, got ${describe(caption)}`);
  }
  // Captions files have no categories, so only a caption excuses a missing category.
  if (categoryId === null ? caption === null : !Number.isSafeInteger(categoryId)) {
    failInteger(file, 'annotations', index, 'category_id', r.category_id);
  }
  if (bbox !== null && !isBbox(bbox)) {
    fail(file, 'annotations', index, 'bbox', bboxProblem(bbox));
  }
  if (area !== null && !(typeof area === 'number' && area >= 0 && area !== Infinity)) {
    fail(file, 'annotations', index, 'area', `expected a finite number >= 0, got ${describe(area)}`);
  }
  let crowd: boolean;
  if (iscrowd === 0 || iscrowd === false) crowd = false;
  else if (iscrowd === 1 || iscrowd === true) crowd = true;
  else fail(file, 'annotations', index, 'iscrowd', `expected 0, 1 or a boolean, got ${describe(iscrowd)}`);
  if (segmentation !== null) checkSegmentation(segmentation, file, index);
  if (keypoints !== null && !isKeypointList(keypoints)) {
    fail(
      file,
      'annotations',
      index,
      'keypoints',
      `expected a list of numbers [x, y, v, ...] whose length is a multiple of 3, got ${describe(keypoints)}`,
    );
  }
  if (numKeypoints !== null && !isNonNegativeInteger(numKeypoints)) {
    fail(file, 'annotations', index, 'num_keypoints', `expected an integer >= 0, got ${describe(numKeypoints)}`);
  }

  let extra: RawRecord | null = null;
  for (const key in r) {
    switch (key) {
      case 'id':
      case 'image_id':
      case 'category_id':
      case 'bbox':
      case 'area':
      case 'iscrowd':
      case 'segmentation':
      case 'keypoints':
      case 'num_keypoints':
      case 'caption':
        break;
      default:
        extra = addExtra(extra, key, r[key]);
    }
  }
  return {
    id: id as number,
    image_id: imageId as number,
    category_id: categoryId as number | null,
    bbox: bbox as [number, number, number, number] | null,
    area: area as number | null,
    iscrowd: crowd,
    segmentation,
    keypoints: keypoints as number[] | null,
    num_keypoints: numKeypoints as number | null,
    caption: caption as string | null,
    extra,
  };
}

/**
 * Validates one element of `categories` and returns it as a {@link CocoCategory}.
 * `id` (integer) and `name` (non-empty string) are required; `supercategory`
 * (string), `keypoints` (strings) and `skeleton` (pairs of integers) may be
 * absent or null. Any other field is kept in `extra`.
 * @param raw the element as parsed from JSON (treated as untrusted)
 * @param index its position in `categories`, for error messages
 * @param file the file label for error messages
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field
 */
export function normalizeCategory(raw: unknown, index: number, file: string): CocoCategory {
  const r = asRecord(raw, file, 'categories', index);
  const id = r.id;
  const name = r.name;
  const supercategory = r.supercategory ?? null;
  const keypoints = r.keypoints ?? null;
  const skeleton = r.skeleton ?? null;

  if (!Number.isSafeInteger(id)) failInteger(file, 'categories', index, 'id', id);
  if (typeof name !== 'string' || name.length === 0) {
    if (name === undefined) failMissing(file, 'categories', index, 'name');
    fail(file, 'categories', index, 'name', `expected a non-empty string, got ${describe(name)}`);
  }
  if (supercategory !== null && typeof supercategory !== 'string') {
    fail(file, 'categories', index, 'supercategory', `expected a string, got ${describe(supercategory)}`);
  }
  if (keypoints !== null) {
    if (!Array.isArray(keypoints)) {
      fail(file, 'categories', index, 'keypoints', `expected a list of names, got ${describe(keypoints)}`);
    }
    for (let i = 0; i < keypoints.length; i++) {
      if (typeof keypoints[i] !== 'string') {
        fail(file, 'categories', index, `keypoints[${i}]`, `expected a string, got ${describe(keypoints[i])}`);
      }
    }
  }
  if (skeleton !== null) {
    if (!Array.isArray(skeleton)) {
      fail(file, 'categories', index, 'skeleton', `expected a list of [from, to] pairs, got ${describe(skeleton)}`);
    }
    for (let i = 0; i < skeleton.length; i++) {
      const edge: unknown = skeleton[i];
      if (!(Array.isArray(edge) && edge.length === 2 && Number.isSafeInteger(edge[0]) && Number.isSafeInteger(edge[1]))) {
        fail(file, 'categories', index, `skeleton[${i}]`, `expected a pair of integers, got ${describe(edge)}`);
      }
    }
  }

  let extra: RawRecord | null = null;
  for (const key in r) {
    switch (key) {
      case 'id':
      case 'name':
      case 'supercategory':
      case 'keypoints':
      case 'skeleton':
        break;
      default:
        extra = addExtra(extra, key, r[key]);
    }
  }
  return {
    id: id as number,
    name,
    supercategory: supercategory as string | null,
    keypoints: keypoints as string[] | null,
    skeleton: skeleton as [number, number][] | null,
    extra,
  };
}

function asRecord(raw: unknown, file: string, section: CocoSection, index: number): RawRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidAnnotations(`${file}: ${section}[${index}]: expected an object, got ${describe(raw)}`);
  }
  return raw as RawRecord;
}

// Plain assignment of `__proto__` would replace the prototype of `extra`; define
// it as an own property instead, as JSON.parse does.
function addExtra(extra: RawRecord | null, key: string, value: unknown): RawRecord {
  const target = extra ?? {};
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
  return target;
}

function isPositiveInteger(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) > 0;
}

function isNonNegativeInteger(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function isFiniteNumber(v: unknown): boolean {
  return Number.isFinite(v);
}

function isBbox(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.length === 4 &&
    isFiniteNumber(v[0]) &&
    isFiniteNumber(v[1]) &&
    isFiniteNumber(v[2]) &&
    isFiniteNumber(v[3]) &&
    v[2] >= 0 &&
    v[3] >= 0
  );
}

function bboxProblem(v: unknown): string {
  if (!Array.isArray(v) || v.length !== 4 || !v.every(isFiniteNumber)) {
    return `expected 4 numbers [x, y, width, height], got ${describe(v)}`;
  }
  return `width and height must be >= 0, got ${describe(v)}`;
}

function isKeypointList(v: unknown): boolean {
  if (!Array.isArray(v) || v.length % 3 !== 0) return false;
  for (let i = 0; i < v.length; i++) if (!isFiniteNumber(v[i])) return false;
  return true;
}

function checkSegmentation(seg: unknown, file: string, index: number): void {
  if (Array.isArray(seg)) {
    for (let p = 0; p < seg.length; p++) {
      const polygon: unknown = seg[p];
      let ok = Array.isArray(polygon) && polygon.length % 2 === 0;
      if (ok) {
        const points = polygon as unknown[];
        for (let i = 0; i < points.length; i++) {
          if (!isFiniteNumber(points[i])) {
            ok = false;
            break;
          }
        }
      }
      if (!ok) {
        fail(
          file,
          'annotations',
          index,
          `segmentation[${p}]`,
          `expected a polygon (an even count of numbers), got ${describe(polygon)}`,
        );
      }
    }
    return;
  }
  if (typeof seg !== 'object' || seg === null) {
    fail(
      file,
      'annotations',
      index,
      'segmentation',
      `expected polygons (a list of number lists) or an RLE object {size, counts}, got ${describe(seg)}`,
    );
  }
  const { size, counts } = seg as RawRecord;
  if (!(Array.isArray(size) && size.length === 2 && isNonNegativeInteger(size[0]) && isNonNegativeInteger(size[1]))) {
    fail(file, 'annotations', index, 'segmentation.size', `expected [height, width] integers, got ${describe(size)}`);
  }
  if (typeof counts === 'string') return;
  if (Array.isArray(counts)) {
    for (let i = 0; i < counts.length; i++) {
      if (!isNonNegativeInteger(counts[i])) {
        fail(
          file,
          'annotations',
          index,
          `segmentation.counts[${i}]`,
          `expected a run length (an integer >= 0), got ${describe(counts[i])}`,
        );
      }
    }
    return;
  }
  fail(
    file,
    'annotations',
    index,
    'segmentation.counts',
    `expected a list of run lengths or a compressed RLE string, got ${describe(counts)}`,
  );
}

function failMissing(file: string, section: CocoSection, index: number, field: string): never {
  throw invalidAnnotations(`${file}: ${section}[${index}]: missing required field ${field}`);
}

function failInteger(file: string, section: CocoSection, index: number, field: string, value: unknown): never {
  if (value === undefined) failMissing(file, section, index, field);
  if (Number.isInteger(value)) {
    fail(file, section, index, field, `expected an integer between -(2^53-1) and 2^53-1, got ${describe(value)}`);
  }
  fail(file, section, index, field, `expected an integer, got ${describe(value)}`);
}

function fail(file: string, section: CocoSection, index: number, field: string, problem: string): never {
  throw invalidAnnotations(`${file}: ${section}[${index}].${field}: ${problem}`);
}

/** A short, safe rendering of an offending value for an error message. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) {
    // Only short flat arrays are shown: stringifying a hostile, deeply nested one
    // could be slow or overflow the stack.
    if (v.length <= 6 && v.every((item) => item === null || typeof item !== 'object')) {
      const text = JSON.stringify(v);
      if (text.length <= 80) return text;
    }
    return `an array of ${v.length} items`;
  }
  if (typeof v === 'object' && v !== null) return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

import { maskPixelArea } from '../maskPixelArea.js';
import {
  addExtra,
  asRecord,
  checkGeometry,
  describe,
  fail,
  failInteger,
  failMissing,
  INT32_MAX,
  isNonNegativeInt32,
  isPositiveInt32,
  type RawRecord,
} from '../recordChecks.js';
import type { CocoAnnotation, CocoCategory, CocoImage } from '../records.js';

// These run once per record (about a million times for a large dataset), so they
// are written as straight-line checks on the raw object: no schema library, no
// closures, and the raw arrays (bbox, polygons, keypoints) are kept, not copied.
// The success path only calls cheap predicates; building a message happens in
// `fail`/`describe`, off the hot path.

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
  if (width !== null && !isPositiveInt32(width)) {
    fail(file, 'images', index, 'width', `expected a positive integer up to ${INT32_MAX}, got ${describe(width)}`);
  }
  if (height !== null && !isPositiveInt32(height)) {
    fail(file, 'images', index, 'height', `expected a positive integer up to ${INT32_MAX}, got ${describe(height)}`);
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
    image_ref: null,
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
  checkGeometry(bbox, area, segmentation, keypoints, file, 'annotations', index);
  let crowd: boolean;
  if (iscrowd === 0 || iscrowd === false) crowd = false;
  else if (iscrowd === 1 || iscrowd === true) crowd = true;
  else fail(file, 'annotations', index, 'iscrowd', `expected 0, 1 or a boolean, got ${describe(iscrowd)}`);
  if (numKeypoints !== null && !isNonNegativeInt32(numKeypoints)) {
    fail(file, 'annotations', index, 'num_keypoints', `expected an integer from 0 to ${INT32_MAX}, got ${describe(numKeypoints)}`);
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
    mask_area: maskPixelArea(segmentation),
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

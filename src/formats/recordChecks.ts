import { invalidAnnotations } from '../errors.js';

// Checks shared by the record normalizers of every format. They run once per
// record, so they are cheap predicates; building a message happens only in
// `fail` and `describe`, off the hot path.

/** A record as parsed from JSON, before validation. */
export type RawRecord = Record<string, unknown>;

/** The record as an object, or a failure naming it. `section` is '' for a results file's top-level array. */
export function asRecord(raw: unknown, file: string, section: string, index: number): RawRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidAnnotations(`${file}: ${section}[${index}]: expected an object, got ${describe(raw)}`);
  }
  return raw as RawRecord;
}

// Plain assignment of `__proto__` would replace the prototype of `extra`; define
// it as an own property instead, as JSON.parse does.
export function addExtra(extra: RawRecord | null, key: string, value: unknown): RawRecord {
  const target = extra ?? {};
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
  return target;
}

/**
 * The largest value of a DuckDB `INTEGER` (32 bits, signed), the columns that
 * keep an image's width and height and an annotation's `num_keypoints`: a
 * larger one failed the whole ingest at the database's append, where no record
 * is named.
 */
export const INT32_MAX = 2 ** 31 - 1;

/** An integer in 1 to {@link INT32_MAX}. */
export function isPositiveInt32(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) > 0 && (v as number) <= INT32_MAX;
}

/** An integer in 0 to {@link INT32_MAX}. */
export function isNonNegativeInt32(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= INT32_MAX;
}

export function isNonNegativeInteger(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

export function isFiniteNumber(v: unknown): boolean {
  return Number.isFinite(v);
}

export function isBbox(v: unknown): boolean {
  return (
    Array.isArray(v) && v.length === 4 && isFiniteNumber(v[0]) && isFiniteNumber(v[1]) && isFiniteNumber(v[2]) && isFiniteNumber(v[3]) && v[2] >= 0 && v[3] >= 0
  );
}

export function bboxProblem(v: unknown): string {
  if (!Array.isArray(v) || v.length !== 4 || !v.every(isFiniteNumber)) {
    return `expected 4 numbers [x, y, width, height], got ${describe(v)}`;
  }
  return `width and height must be >= 0, got ${describe(v)}`;
}

export function isKeypointList(v: unknown): boolean {
  if (!Array.isArray(v) || v.length % 3 !== 0) return false;
  for (let i = 0; i < v.length; i++) if (!isFiniteNumber(v[i])) return false;
  return true;
}

/**
 * The fields an annotation and a model's result share, each absent (null) or
 * valid: `bbox` (4 finite numbers, width and height >= 0), `area` (finite,
 * >= 0), `segmentation` (polygons or RLE), `keypoints` (numbers, a multiple of
 * 3 of them). A failure names the field.
 */
export function checkGeometry(bbox: unknown, area: unknown, segmentation: unknown, keypoints: unknown, file: string, section: string, index: number): void {
  if (bbox !== null && !isBbox(bbox)) fail(file, section, index, 'bbox', bboxProblem(bbox));
  if (area !== null && !(typeof area === 'number' && area >= 0 && area !== Infinity)) {
    fail(file, section, index, 'area', `expected a finite number >= 0, got ${describe(area)}`);
  }
  if (segmentation !== null) checkSegmentation(segmentation, file, index, section);
  if (keypoints !== null && !isKeypointList(keypoints)) {
    fail(file, section, index, 'keypoints', `expected a list of numbers [x, y, v, ...] whose length is a multiple of 3, got ${describe(keypoints)}`);
  }
}

/** Polygons or an RLE `{size, counts}`; anything else fails naming the field. */
export function checkSegmentation(seg: unknown, file: string, index: number, section = 'annotations'): void {
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
        fail(file, section, index, `segmentation[${p}]`, `expected a polygon (an even count of numbers), got ${describe(polygon)}`);
      }
    }
    return;
  }
  if (typeof seg !== 'object' || seg === null) {
    fail(file, section, index, 'segmentation', `expected polygons (a list of number lists) or an RLE object {size, counts}, got ${describe(seg)}`);
  }
  const { size, counts } = seg as RawRecord;
  if (!(Array.isArray(size) && size.length === 2 && isNonNegativeInteger(size[0]) && isNonNegativeInteger(size[1]))) {
    fail(file, section, index, 'segmentation.size', `expected [height, width] integers, got ${describe(size)}`);
  }
  if (typeof counts === 'string') return;
  if (Array.isArray(counts)) {
    for (let i = 0; i < counts.length; i++) {
      if (!isNonNegativeInteger(counts[i])) {
        fail(file, section, index, `segmentation.counts[${i}]`, `expected a run length (an integer >= 0), got ${describe(counts[i])}`);
      }
    }
    return;
  }
  fail(file, section, index, 'segmentation.counts', `expected a list of run lengths or a compressed RLE string, got ${describe(counts)}`);
}

export function failMissing(file: string, section: string, index: number, field: string): never {
  throw invalidAnnotations(`${file}: ${section}[${index}]: missing required field ${field}`);
}

export function failInteger(file: string, section: string, index: number, field: string, value: unknown): never {
  if (value === undefined) failMissing(file, section, index, field);
  if (Number.isInteger(value)) {
    fail(file, section, index, field, `expected an integer between -(2^53-1) and 2^53-1, got ${describe(value)}`);
  }
  fail(file, section, index, field, `expected an integer, got ${describe(value)}`);
}

export function fail(file: string, section: string, index: number, field: string, problem: string): never {
  throw invalidAnnotations(`${file}: ${section}[${index}].${field}: ${problem}`);
}

/** A short, safe rendering of an offending value for an error message. */
export function describe(v: unknown): string {
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

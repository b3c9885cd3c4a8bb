import type { CocoAnnotation } from '../formats/records.js';

/** Pixels a box or a point may lie past an edge: COCO's float coordinates round a little out. */
export const EDGE_TOLERANCE_PX = 1;

/** `area_mismatch`: the stored area and the polygon's or mask's differ by more than this fraction of the larger. */
export const AREA_MISMATCH_FRACTION = 0.5;

/**
 * The bit of each annotation check that one annotation's row decides alone
 * (no image, no other annotation), in `annotations.check_flags`.
 */
export const ANNOTATION_CHECK_FLAGS = {
  box_degenerate: 1,
  box_not_containing_polygon: 2,
  area_mismatch: 4,
  polygon_too_few_points: 8,
  keypoints_outside_box: 16,
  crowd_polygon: 32,
} as const;

/** The name of a check kept as a bit of `check_flags`. */
export type FlaggedCheck = keyof typeof ANNOTATION_CHECK_FLAGS;

/** What {@link annotationCheckFlags} reads of an annotation. */
export type FlagInput = Pick<CocoAnnotation, 'bbox' | 'area' | 'iscrowd' | 'segmentation' | 'keypoints' | 'caption'> & { mask_area?: number | null };

const T = EDGE_TOLERANCE_PX;

/**
 * The annotation checks one annotation fails, as the bits of
 * {@link ANNOTATION_CHECK_FLAGS}: worked out at ingest from the record already
 * parsed, so the commit keeps the failures from a column of small integers
 * instead of parsing every polygon's JSON again in SQL (3 s of a 100K-image
 * ingest's commit). A caption is checked by nothing (0). The rules are those
 * of `CHECK_FLAGS_FROM_JSON_SQL` (db/qualityChecks.ts), which a migration runs on
 * rows stored before this column, and a test holds the two equal.
 */
export function annotationCheckFlags(a: FlagInput): number {
  if (a.caption !== null) return 0;
  const seg = a.segmentation;
  const box = a.bbox;
  let flags = 0;
  if (box !== null && (box[2] <= 0 || box[3] <= 0)) flags |= ANNOTATION_CHECK_FLAGS.box_degenerate;
  if (a.iscrowd && Array.isArray(seg)) flags |= ANNOTATION_CHECK_FLAGS.crowd_polygon;
  // A crowd's polygons are not its shape to check (pycocotools reads them as one region): only a non-crowd's are.
  const polygons = !a.iscrowd && Array.isArray(seg) ? (seg as number[][]) : null;
  let shapeArea: number | null = null;
  if (polygons !== null) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const p of polygons) {
      if (p.length < 6) flags |= ANNOTATION_CHECK_FLAGS.polygon_too_few_points;
      if (p.length < 2) continue;
      // The shoelace sums apart, then subtracted, as the SQL does them.
      let forward = 0;
      let backward = 0;
      for (let i = 0; i < p.length; i += 2) {
        const x = p[i]!;
        const y = p[i + 1]!;
        const next = i + 2 < p.length ? i + 2 : 0;
        forward += x * p[next + 1]!;
        backward += p[next]! * y;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      shapeArea = (shapeArea ?? 0) + Math.abs(forward - backward) / 2;
    }
    if (box !== null && minX !== Infinity && (minX < box[0] - T || minY < box[1] - T || maxX > box[0] + box[2] + T || maxY > box[1] + box[3] + T)) {
      flags |= ANNOTATION_CHECK_FLAGS.box_not_containing_polygon;
    }
  }
  shapeArea ??= a.mask_area ?? null;
  if (a.area !== null && shapeArea !== null && Math.abs(a.area - shapeArea) > AREA_MISMATCH_FRACTION * Math.max(a.area, shapeArea)) {
    flags |= ANNOTATION_CHECK_FLAGS.area_mismatch;
  }
  const kp = a.keypoints;
  if (box !== null && kp !== null) {
    for (let j = 0; j + 2 < kp.length; j += 3) {
      const x = kp[j]!;
      const y = kp[j + 1]!;
      if (kp[j + 2]! > 0 && (x < box[0] - T || x > box[0] + box[2] + T || y < box[1] - T || y > box[1] + box[3] + T)) {
        flags |= ANNOTATION_CHECK_FLAGS.keypoints_outside_box;
        break;
      }
    }
  }
  return flags;
}

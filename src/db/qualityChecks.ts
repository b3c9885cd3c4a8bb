import { ANNOTATION_CHECK_FLAGS, AREA_MISMATCH_FRACTION, EDGE_TOLERANCE_PX, type FlaggedCheck } from '../quality/annotationCheckFlags.js';
import type { ImageSlice } from './counters/CounterTable.js';

/** What a check counts. */
export type CheckUnit = 'annotations' | 'images' | 'categories';

/**
 * How a check's offending rows are found and kept:
 * - `annotation`: `sql` is a condition on one annotation's row of `facts`
 *   (`checkFactsSql`); the commit keeps the failures in `check_hits`;
 * - `pair`: `sql` selects `dataset_id`, `job_id`, `sample_id`, `row_id` of the
 *   jobs whose id meets `$job` and of the images `$images{column}` keeps (a
 *   condition on that image id column); the commit keeps them in `check_hits`;
 * - `dataset`: `sql` selects `sample_id` (null for a category) and `row_id` of
 *   one dataset (`$1`) from the counter tables, at each request.
 */
export type CheckKept = 'annotation' | 'pair' | 'dataset';

/** One annotation check: SQL over stored rows, no second pass over the file. */
export interface QualityCheck {
  name: string;
  description: string;
  unit: CheckUnit;
  kept: CheckKept;
  sql: string;
}

/** A `duplicate_annotation` is two boxes of one category in one image whose IoU is above this. */
export const DUPLICATE_IOU = 0.95;

/**
 * `facts`: one row per annotation of the jobs whose id meets `$job` and of the
 * images `$images{…}` keeps (captions aside), with its sample's id and size,
 * its box and area, and `check_flags`, the checks it fails alone: `flags`, an
 * expression over the annotation's columns. The commit reads the column the
 * ingest filled (`annotationCheckFlags`), so no JSON is parsed; a migration
 * works them out from the stored JSON ({@link CHECK_FLAGS_FROM_JSON_SQL}).
 */
function checkFactsSql(flags: string): string {
  return `
facts AS (
  SELECT a.id, a.job_id, a.iscrowd, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h, a.area, ${flags} AS check_flags,
    s.dataset_id, s.id AS sample_id, s.width, s.height
  FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
  WHERE a.job_id $job AND s.job_id $job AND a.caption IS NULL AND $images{a.image_coco_id} AND $images{s.coco_id}
)`;
}

/** The condition that an annotation's `check_flags` has `check`'s bit. */
function flagged(check: FlaggedCheck): string {
  return `(check_flags & ${ANNOTATION_CHECK_FLAGS[check]}) <> 0`;
}

const T = EDGE_TOLERANCE_PX;

/**
 * The shoelace area of polygon `p` (a flat list of x, y, of at least one
 * point): two dot products of its coordinates with their successors', which
 * DuckDB runs vectorised (a lambda per point was slower).
 */
const SHOELACE = `abs(
  list_dot_product(list_slice(p, 1, len(p) // 2 * 2, 2), list_concat(list_slice(p, 4, len(p) // 2 * 2, 2), list_slice(p, 2, 2)))
  - list_dot_product(list_concat(list_slice(p, 3, len(p) // 2 * 2, 2), list_slice(p, 1, 1)), list_slice(p, 2, len(p) // 2 * 2, 2))) / 2`;

/** A non-crowd polygon annotation's polygons, parsed from its JSON. */
const POLYS = `(CASE WHEN json_type(segmentation) = 'ARRAY' AND NOT iscrowd THEN segmentation::DOUBLE[][] END)`;
/** Those of at least one point. */
const SHAPES = `list_filter(${POLYS}, lambda p: len(p) >= 2)`;
const XS = `flatten(list_transform(${SHAPES}, lambda p: list_slice(p, 1, len(p), 2)))`;
const YS = `flatten(list_transform(${SHAPES}, lambda p: list_slice(p, 2, len(p), 2)))`;
/** The polygons' area, else an RLE's pixels (from an uncompressed RLE's counts for rows stored before `mask_area`). */
const SHAPE_AREA = `coalesce(list_sum(list_transform(${SHAPES}, lambda p: ${SHOELACE})), mask_area,
  CASE WHEN json_type(segmentation) = 'OBJECT' AND json_type(segmentation, '$.counts') = 'ARRAY'
  THEN coalesce(list_sum(list_filter((segmentation->'counts')::BIGINT[], lambda x, i: i % 2 = 0)), 0) END)`;
const KP = `(CASE WHEN keypoints IS NOT NULL THEN keypoints::DOUBLE[] END)`;

/**
 * Each flagged check's rule in SQL over an annotation's stored columns, its
 * segmentation and keypoints parsed from their JSON: what the ingest's
 * `annotationCheckFlags` decides from the parsed record, for rows stored
 * before `check_flags` existed (what a migration fills `check_hits` from). A test holds the two equal.
 */
const FLAG_RULES_FROM_JSON: Readonly<Record<FlaggedCheck, string>> = {
  box_degenerate: 'bbox_w <= 0 OR bbox_h <= 0',
  box_not_containing_polygon: `bbox_x IS NOT NULL AND (list_min(${XS}) < bbox_x - ${T} OR list_min(${YS}) < bbox_y - ${T} OR
      list_max(${XS}) > bbox_x + bbox_w + ${T} OR list_max(${YS}) > bbox_y + bbox_h + ${T})`,
  area_mismatch: `area IS NOT NULL AND abs(area - ${SHAPE_AREA}) > ${AREA_MISMATCH_FRACTION} * greatest(area, ${SHAPE_AREA})`,
  polygon_too_few_points: `len(list_filter(${POLYS}, lambda p: len(p) < 6)) > 0`,
  keypoints_outside_box: `bbox_x IS NOT NULL AND len(list_filter(range(0, len(${KP}) // 3), lambda j: ${KP}[3 * j + 3] > 0 AND (
      ${KP}[3 * j + 1] < bbox_x - ${T} OR ${KP}[3 * j + 1] > bbox_x + bbox_w + ${T} OR ${KP}[3 * j + 2] < bbox_y - ${T} OR ${KP}[3 * j + 2] > bbox_y + bbox_h + ${T}))) > 0`,
  crowd_polygon: `iscrowd AND json_type(segmentation) = 'ARRAY'`,
};

/**
 * An annotation row's `check_flags` worked out in SQL from its stored columns
 * (0 for a caption): an expression over the `annotations` table's columns.
 */
export const CHECK_FLAGS_FROM_JSON_SQL = `CASE WHEN caption IS NOT NULL THEN 0 ELSE ${Object.entries(FLAG_RULES_FROM_JSON)
  .map(([check, rule]) => `(CASE WHEN ${rule} THEN ${ANNOTATION_CHECK_FLAGS[check as FlaggedCheck]} ELSE 0 END)`)
  .join('\n  + ')} END`;

/** The checks, in the order they are shown. */
export const QUALITY_CHECKS: readonly QualityCheck[] = [
  {
    name: 'box_outside_image',
    description: `boxes reaching more than ${T} px outside their image`,
    unit: 'annotations',
    kept: 'annotation',
    sql: `bbox_x IS NOT NULL AND width IS NOT NULL AND
      (bbox_x < -${T} OR bbox_y < -${T} OR bbox_x + bbox_w > width + ${T} OR bbox_y + bbox_h > height + ${T})`,
  },
  {
    name: 'box_degenerate',
    description: 'boxes of zero or negative width or height',
    unit: 'annotations',
    kept: 'annotation',
    sql: flagged('box_degenerate'),
  },
  {
    name: 'box_not_containing_polygon',
    description: `boxes that do not contain their own polygon (by more than ${T} px)`,
    unit: 'annotations',
    kept: 'annotation',
    sql: flagged('box_not_containing_polygon'),
  },
  {
    name: 'area_mismatch',
    description: `an area differing from its polygons' (shoelace) or its RLE mask's pixel area by more than ${AREA_MISMATCH_FRACTION * 100}% of the larger`,
    unit: 'annotations',
    kept: 'annotation',
    sql: flagged('area_mismatch'),
  },
  {
    name: 'polygon_too_few_points',
    description: 'polygons of fewer than 3 points',
    unit: 'annotations',
    kept: 'annotation',
    sql: flagged('polygon_too_few_points'),
  },
  {
    name: 'duplicate_annotation',
    description: `the same object labelled twice: same image and category, boxes with IoU above ${DUPLICATE_IOU}`,
    unit: 'annotations',
    kept: 'pair',
    // On the annotations alone, the samples joined to the few found: a join of the annotations with their samples on each side took seconds.
    sql: `SELECT s.dataset_id, s.job_id, s.id AS sample_id, d.id AS row_id FROM (
      SELECT y.id, y.job_id, y.image_coco_id FROM annotations x JOIN annotations y
      ON x.job_id = y.job_id AND x.image_coco_id = y.image_coco_id AND x.category_id = y.category_id AND x.id < y.id
      WHERE x.job_id $job AND y.job_id $job AND $images{x.image_coco_id} AND $images{y.image_coco_id} AND x.caption IS NULL AND y.caption IS NULL AND x.bbox_w > 0 AND x.bbox_h > 0 AND y.bbox_w > 0 AND y.bbox_h > 0 AND
      greatest(0, least(x.bbox_x + x.bbox_w, y.bbox_x + y.bbox_w) - greatest(x.bbox_x, y.bbox_x)) *
      greatest(0, least(x.bbox_y + x.bbox_h, y.bbox_y + y.bbox_h) - greatest(x.bbox_y, y.bbox_y))
      > ${DUPLICATE_IOU} * (x.bbox_w * x.bbox_h + y.bbox_w * y.bbox_h -
      greatest(0, least(x.bbox_x + x.bbox_w, y.bbox_x + y.bbox_w) - greatest(x.bbox_x, y.bbox_x)) *
      greatest(0, least(x.bbox_y + x.bbox_h, y.bbox_y + y.bbox_h) - greatest(x.bbox_y, y.bbox_y)))) d
    JOIN samples s ON s.job_id = d.job_id AND s.coco_id = d.image_coco_id`,
  },
  {
    name: 'keypoints_outside_box',
    description: `labelled keypoints (v > 0) more than ${T} px outside their box`,
    unit: 'annotations',
    kept: 'annotation',
    sql: flagged('keypoints_outside_box'),
  },
  {
    name: 'image_without_annotations',
    description: 'images with no annotation',
    unit: 'images',
    kept: 'dataset',
    // sample_counts has a row per sample, zero when it has no annotation (captions included, as here).
    sql: 'SELECT sample_id, sample_id AS row_id FROM sample_counts WHERE dataset_id = $1 AND annotations = 0',
  },
  {
    name: 'category_unused',
    description: 'categories no annotation uses',
    unit: 'categories',
    kept: 'dataset',
    // A category's use is the dataset's, not one split's: read from split_categories, which counts it per split.
    sql: `SELECT NULL::BIGINT AS sample_id, id AS row_id FROM categories WHERE dataset_id = $1
      AND id NOT IN (SELECT category_id FROM split_categories WHERE dataset_id = $1 AND annotations > 0)`,
  },
  {
    name: 'crowd_polygon',
    description: 'crowd annotations (iscrowd 1) drawn as polygons instead of RLE',
    unit: 'annotations',
    kept: 'annotation',
    sql: flagged('crowd_polygon'),
  },
];

/** The check of a name, or undefined. */
export function qualityCheck(name: string): QualityCheck | undefined {
  return QUALITY_CHECKS.find((c) => c.name === name);
}

/**
 * A query selecting one check's offending rows (`sample_id`, `row_id`) of a
 * dataset, with no parameters (the id is an integer, written in), so that it
 * can sit inside the samples filter's statement, whose parameters are
 * positional. An `annotation` or `pair` check reads what the commits kept in `check_hits`.
 */
export function checkRowsSql(check: QualityCheck, datasetId: number): string {
  const id = BigInt(datasetId).toString();
  if (check.kept === 'dataset') return check.sql.replaceAll('$1', id);
  return `SELECT sample_id, row_id FROM check_hits WHERE dataset_id = ${id} AND check_name = '${check.name}'`;
}

/**
 * The `annotation` and `pair` checks' offending rows of the jobs whose id
 * meets `jobIs` (a condition written after a job id column) and of the images
 * `images` keeps, each with its check's name, one SELECT each (annotation
 * checks, then each pair check): what a commit keeps in `check_hits`. The
 * annotation checks are conditions on one pass over `facts`, each failure
 * unnested to a row; `flags` is where their `check_flags` come from (default
 * the column; {@link CHECK_FLAGS_FROM_JSON_SQL} for rows stored before it).
 */
export function jobCheckRowsSql(jobIs: string, images: ImageSlice, flags = 'a.check_flags'): string[] {
  const annotationChecks = QUALITY_CHECKS.filter((c) => c.kept === 'annotation');
  const named = annotationChecks.map((c) => `CASE WHEN ${c.sql} THEN '${c.name}' END`);
  const pairs = QUALITY_CHECKS.filter((c) => c.kept === 'pair').map(
    (c) => `SELECT dataset_id, job_id, '${c.name}' AS check_name, sample_id, row_id FROM (${c.sql})`,
  );
  const annotations = `WITH ${checkFactsSql(flags)}
SELECT dataset_id, job_id, check_name, sample_id, id AS row_id FROM (
  SELECT dataset_id, job_id, sample_id, id, unnest(list_filter([${named.join(',\n    ')}], lambda n: n IS NOT NULL)) AS check_name FROM facts
  WHERE ${annotationChecks.map((c) => `coalesce(${c.sql}, false)`).join(' OR ')}
)`;
  // Each its own statement: as one UNION ALL, the annotations' facts and their self-join ran DuckDB out of 128 MB
  // together inside a 1M-image ingest's transaction.
  return [annotations, ...pairs].map((sql) => sql.replaceAll('$job', jobIs).replace(/\$images\{([^}]+)\}/g, (_, column: string) => images(column)));
}

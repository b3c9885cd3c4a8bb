/** What a check counts. */
export type CheckUnit = 'annotations' | 'images' | 'categories';

/**
 * How a check's offending rows are found and kept:
 * - `annotation`: `sql` is a condition on one annotation's row of `facts`
 *   ({@link CHECK_FACTS_SQL}); the commit keeps the failures in `check_hits`;
 * - `pair`: `sql` selects `dataset_id`, `job_id`, `sample_id`, `row_id` of the
 *   jobs whose id meets `$job`; the commit keeps them in `check_hits`;
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

/** Pixels a box or a point may lie past an edge: COCO's float coordinates round a little out. */
export const EDGE_TOLERANCE_PX = 1;

/** A `duplicate_annotation` is two boxes of one category in one image whose IoU is above this. */
export const DUPLICATE_IOU = 0.95;

/** `area_mismatch`: the stored area and the polygon's or mask's differ by more than this fraction of the larger. */
export const AREA_MISMATCH_FRACTION = 0.5;

/**
 * The shoelace area of polygon `p` (a flat list of x, y, of at least one
 * point): two dot products of its coordinates with their successors', which
 * DuckDB runs vectorised (a lambda per point was slower).
 */
const SHOELACE = `abs(
  list_dot_product(list_slice(p, 1, len(p) // 2 * 2, 2), list_concat(list_slice(p, 4, len(p) // 2 * 2, 2), list_slice(p, 2, 2)))
  - list_dot_product(list_concat(list_slice(p, 3, len(p) // 2 * 2, 2), list_slice(p, 1, 1)), list_slice(p, 2, len(p) // 2 * 2, 2))) / 2`;

/**
 * `facts`: one row per annotation of the jobs whose id meets `$job` (captions
 * aside), with its sample's id and size, and what its segmentation says, each
 * parsed once from the stored JSON: `polys` (a polygon annotation's polygons,
 * crowds aside), `xs`/`ys` (the coordinates of those of at least one point),
 * `poly_area` (the sum of their shoelace areas, null when none has a point), `mask_area` (an RLE's
 * pixels, compressed or not, as the ingest kept them; from an uncompressed RLE's counts for rows stored before schema 8) and `kp` (the keypoints). One pass, no unnest and no join on
 * itself: at commit this is what every ingest pays for.
 */
export const CHECK_FACTS_SQL = `
parsed AS (
  SELECT a.id, a.job_id, a.iscrowd, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h, a.area,
    s.dataset_id, s.id AS sample_id, s.width, s.height, json_type(a.segmentation) AS seg_type,
    CASE WHEN json_type(a.segmentation) = 'ARRAY' AND NOT a.iscrowd THEN a.segmentation::DOUBLE[][] END AS polys,
    coalesce(a.mask_area, CASE WHEN json_type(a.segmentation) = 'OBJECT' AND json_type(a.segmentation, '$.counts') = 'ARRAY'
      THEN list_sum(list_filter((a.segmentation->'counts')::BIGINT[], lambda x, i: i % 2 = 0)) END) AS mask_area,
    CASE WHEN a.keypoints IS NOT NULL THEN a.keypoints::DOUBLE[] END AS kp
  FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
  WHERE a.job_id $job AND s.job_id $job AND a.caption IS NULL
),
facts AS (
  SELECT *,
    flatten(list_transform(list_filter(polys, lambda p: len(p) >= 2), lambda p: list_slice(p, 1, len(p), 2))) AS xs,
    flatten(list_transform(list_filter(polys, lambda p: len(p) >= 2), lambda p: list_slice(p, 2, len(p), 2))) AS ys,
    list_sum(list_transform(list_filter(polys, lambda p: len(p) >= 2), lambda p: ${SHOELACE})) AS poly_area
  FROM parsed
)`;

const T = EDGE_TOLERANCE_PX;

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
    sql: 'bbox_w <= 0 OR bbox_h <= 0',
  },
  {
    name: 'box_not_containing_polygon',
    description: `boxes that do not contain their own polygon (by more than ${T} px)`,
    unit: 'annotations',
    kept: 'annotation',
    sql: `bbox_x IS NOT NULL AND (list_min(xs) < bbox_x - ${T} OR list_min(ys) < bbox_y - ${T} OR
      list_max(xs) > bbox_x + bbox_w + ${T} OR list_max(ys) > bbox_y + bbox_h + ${T})`,
  },
  {
    name: 'area_mismatch',
    description: `an area differing from its polygons' (shoelace) or its RLE mask's pixel area by more than ${AREA_MISMATCH_FRACTION * 100}% of the larger`,
    unit: 'annotations',
    kept: 'annotation',
    sql: `area IS NOT NULL AND abs(area - coalesce(poly_area, mask_area)) > ${AREA_MISMATCH_FRACTION} * greatest(area, coalesce(poly_area, mask_area))`,
  },
  {
    name: 'polygon_too_few_points',
    description: 'polygons of fewer than 3 points',
    unit: 'annotations',
    kept: 'annotation',
    sql: 'len(list_filter(polys, lambda p: len(p) < 6)) > 0',
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
      WHERE x.job_id $job AND y.job_id $job AND x.caption IS NULL AND y.caption IS NULL AND x.bbox_w > 0 AND x.bbox_h > 0 AND y.bbox_w > 0 AND y.bbox_h > 0 AND
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
    sql: `bbox_x IS NOT NULL AND len(list_filter(range(0, len(kp) // 3), lambda j: kp[3 * j + 3] > 0 AND (
      kp[3 * j + 1] < bbox_x - ${T} OR kp[3 * j + 1] > bbox_x + bbox_w + ${T} OR kp[3 * j + 2] < bbox_y - ${T} OR kp[3 * j + 2] > bbox_y + bbox_h + ${T}))) > 0`,
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
    sql: `iscrowd AND seg_type = 'ARRAY'`,
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
 * meets `jobIs` (a condition written after a job id column), each with its
 * check's name, one SELECT each (annotation checks, then each pair check): what a commit keeps in `check_hits`. The annotation checks are
 * conditions on one pass over `facts`, each failure unnested to a row.
 */
export function jobCheckRowsSql(jobIs: string): string[] {
  const named = QUALITY_CHECKS.filter((c) => c.kept === 'annotation').map((c) => `CASE WHEN ${c.sql} THEN '${c.name}' END`);
  const pairs = QUALITY_CHECKS.filter((c) => c.kept === 'pair').map(
    (c) => `SELECT dataset_id, job_id, '${c.name}' AS check_name, sample_id, row_id FROM (${c.sql})`,
  );
  const annotations = `WITH ${CHECK_FACTS_SQL}
SELECT dataset_id, job_id, check_name, sample_id, id AS row_id FROM (
  SELECT dataset_id, job_id, sample_id, id, unnest(list_filter([${named.join(',\n    ')}], lambda n: n IS NOT NULL)) AS check_name FROM facts
)`;
  // Each its own statement: as one UNION ALL, the parse of every polygon and the self-join of the
  // annotations ran DuckDB out of 128 MB together inside a 1M-image ingest's transaction.
  return [annotations, ...pairs].map((sql) => sql.replaceAll('$job', jobIs));
}

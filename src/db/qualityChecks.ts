/** What a check counts. */
export type CheckUnit = 'annotations' | 'images' | 'categories';

/** One annotation check: SQL over stored rows, no second pass over the file. */
export interface QualityCheck {
  name: string;
  description: string;
  unit: CheckUnit;
  /**
   * `job`: the check looks at one split's annotations alone; `sql` selects the
   * offending rows of the jobs whose id meets `$job` (`dataset_id`, `job_id`,
   * `sample_id`, `row_id`) from the common table expressions of
   * {@link CHECK_BASE_SQL}, and the commit keeps them in `check_hits`.
   * `dataset`: `sql` selects the offending rows of one dataset (`$1`) as
   * `sample_id` (null for a category) and `row_id`, from the counter tables.
   */
  kept: 'job' | 'dataset';
  sql: string;
}

/** Pixels a box or a point may lie past an edge: COCO's float coordinates round a little out. */
export const EDGE_TOLERANCE_PX = 1;

/** A `duplicate_annotation` is two boxes of one category in one image whose IoU is above this. */
export const DUPLICATE_IOU = 0.95;

/** `area_mismatch`: the stored area and the polygon's or mask's differ by more than this fraction of the larger. */
export const AREA_MISMATCH_FRACTION = 0.5;

/**
 * The rows the `job` checks read: `ann` (the annotations of the jobs whose id
 * meets `$job`, each with its sample's id and size), `polys` (the polygons of
 * the polygon annotations, parsed from the stored JSON text once, with their
 * point counts, extents and shoelace areas).
 */
export const CHECK_BASE_SQL = `
ann AS (
  SELECT a.id, a.category_id, a.iscrowd, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h, a.area, a.segmentation, a.keypoints,
    a.job_id, a.image_coco_id, s.dataset_id, s.id AS sample_id, s.width, s.height
  FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
  WHERE a.job_id $job AND s.job_id $job AND a.caption IS NULL
),
polys AS MATERIALIZED (
  SELECT dataset_id, job_id, id, sample_id, bbox_x, bbox_y, bbox_w, bbox_h, area, p,
    len(p) // 2 AS points,
    list_min(list_slice(p, 1, len(p), 2)) AS min_x, list_max(list_slice(p, 1, len(p), 2)) AS max_x,
    list_min(list_slice(p, 2, len(p), 2)) AS min_y, list_max(list_slice(p, 2, len(p), 2)) AS max_y,
    abs(list_sum(list_transform(range(1, len(p) // 2 + 1),
      lambda i: p[2 * i - 1] * p[((2 * i) % (2 * (len(p) // 2))) + 2] - p[((2 * i) % (2 * (len(p) // 2))) + 1] * p[2 * i]))) / 2 AS shoelace
  FROM (SELECT *, unnest(segmentation::DOUBLE[][]) AS p FROM ann WHERE json_type(segmentation) = 'ARRAY' AND NOT iscrowd)
)`;

const T = EDGE_TOLERANCE_PX;

/** The checks, in the order they are shown. */
export const QUALITY_CHECKS: readonly QualityCheck[] = [
  {
    name: 'box_outside_image',
    description: `boxes reaching more than ${T} px outside their image`,
    unit: 'annotations',
    kept: 'job',
    sql: `SELECT dataset_id, job_id, sample_id, id AS row_id FROM ann WHERE bbox_x IS NOT NULL AND width IS NOT NULL AND
      (bbox_x < -${T} OR bbox_y < -${T} OR bbox_x + bbox_w > width + ${T} OR bbox_y + bbox_h > height + ${T})`,
  },
  {
    name: 'box_degenerate',
    description: 'boxes of zero or negative width or height',
    unit: 'annotations',
    kept: 'job',
    sql: 'SELECT dataset_id, job_id, sample_id, id AS row_id FROM ann WHERE bbox_w <= 0 OR bbox_h <= 0',
  },
  {
    name: 'box_not_containing_polygon',
    description: `boxes that do not contain their own polygon (by more than ${T} px)`,
    unit: 'annotations',
    kept: 'job',
    sql: `SELECT DISTINCT dataset_id, job_id, sample_id, id AS row_id FROM polys WHERE points > 0 AND bbox_x IS NOT NULL AND
      (min_x < bbox_x - ${T} OR min_y < bbox_y - ${T} OR max_x > bbox_x + bbox_w + ${T} OR max_y > bbox_y + bbox_h + ${T})`,
  },
  {
    name: 'area_mismatch',
    description: `an area differing from its polygons' (shoelace) or its uncompressed mask's pixel area by more than ${AREA_MISMATCH_FRACTION * 100}% of the larger`,
    unit: 'annotations',
    kept: 'job',
    sql: `SELECT dataset_id, job_id, sample_id, id AS row_id FROM (
        SELECT dataset_id, job_id, sample_id, id, any_value(area) AS area, sum(shoelace) AS measured FROM polys GROUP BY dataset_id, job_id, sample_id, id
        UNION ALL
        SELECT dataset_id, job_id, sample_id, id, area, list_sum(list_filter((segmentation->'counts')::BIGINT[], lambda x, i: i % 2 = 0)) AS measured
        FROM ann WHERE json_type(segmentation) = 'OBJECT' AND json_type(segmentation, '$.counts') = 'ARRAY'
      ) WHERE area IS NOT NULL AND abs(area - measured) > ${AREA_MISMATCH_FRACTION} * greatest(area, measured)`,
  },
  {
    name: 'polygon_too_few_points',
    description: 'polygons of fewer than 3 points',
    unit: 'annotations',
    kept: 'job',
    sql: 'SELECT DISTINCT dataset_id, job_id, sample_id, id AS row_id FROM polys WHERE len(p) < 6',
  },
  {
    name: 'duplicate_annotation',
    description: `the same object labelled twice: same image and category, boxes with IoU above ${DUPLICATE_IOU}`,
    unit: 'annotations',
    kept: 'job',
    sql: `SELECT y.dataset_id, y.job_id, y.sample_id, y.id AS row_id FROM ann x JOIN ann y
      ON x.job_id = y.job_id AND x.image_coco_id = y.image_coco_id AND x.category_id = y.category_id AND x.id < y.id
      WHERE x.bbox_w > 0 AND x.bbox_h > 0 AND y.bbox_w > 0 AND y.bbox_h > 0 AND
      greatest(0, least(x.bbox_x + x.bbox_w, y.bbox_x + y.bbox_w) - greatest(x.bbox_x, y.bbox_x)) *
      greatest(0, least(x.bbox_y + x.bbox_h, y.bbox_y + y.bbox_h) - greatest(x.bbox_y, y.bbox_y))
      > ${DUPLICATE_IOU} * (x.bbox_w * x.bbox_h + y.bbox_w * y.bbox_h -
      greatest(0, least(x.bbox_x + x.bbox_w, y.bbox_x + y.bbox_w) - greatest(x.bbox_x, y.bbox_x)) *
      greatest(0, least(x.bbox_y + x.bbox_h, y.bbox_y + y.bbox_h) - greatest(x.bbox_y, y.bbox_y)))`,
  },
  {
    name: 'keypoints_outside_box',
    description: `labelled keypoints (v > 0) more than ${T} px outside their box`,
    unit: 'annotations',
    kept: 'job',
    sql: `SELECT dataset_id, job_id, sample_id, id AS row_id FROM (SELECT dataset_id, job_id, sample_id, id, bbox_x, bbox_y, bbox_w, bbox_h, keypoints::DOUBLE[] AS k
        FROM ann WHERE keypoints IS NOT NULL AND bbox_x IS NOT NULL)
      WHERE len(list_filter(range(0, len(k) // 3), lambda j: k[3 * j + 3] > 0 AND (
        k[3 * j + 1] < bbox_x - ${T} OR k[3 * j + 1] > bbox_x + bbox_w + ${T} OR k[3 * j + 2] < bbox_y - ${T} OR k[3 * j + 2] > bbox_y + bbox_h + ${T}))) > 0`,
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
    kept: 'job',
    sql: `SELECT dataset_id, job_id, sample_id, id AS row_id FROM ann WHERE iscrowd AND json_type(segmentation) = 'ARRAY'`,
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
 * positional. A `job` check reads what the commits kept in `check_hits`.
 */
export function checkRowsSql(check: QualityCheck, datasetId: number): string {
  const id = BigInt(datasetId).toString();
  if (check.kept === 'job') return `SELECT sample_id, row_id FROM check_hits WHERE dataset_id = ${id} AND check_name = '${check.name}'`;
  return check.sql.replaceAll('$1', id);
}

/**
 * The `job` checks' offending rows of the jobs whose id meets `jobIs` (a
 * condition written after a job id column), each with its check's name: what
 * a commit keeps in `check_hits`. The polygons are parsed once, for all checks.
 */
export function jobCheckRowsSql(jobIs: string): string {
  const rows = QUALITY_CHECKS.filter((c) => c.kept === 'job').map(
    (c) => `SELECT dataset_id, job_id, '${c.name}' AS check_name, sample_id, row_id FROM (${c.sql})`,
  );
  return `WITH ${CHECK_BASE_SQL.replaceAll('$job', jobIs)}\n${rows.join('\nUNION ALL\n')}`;
}

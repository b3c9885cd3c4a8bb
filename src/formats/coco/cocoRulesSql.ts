import type { RuleScope } from '../AnnotationFormat.js';

/**
 * The SQL of COCO's whole-file rules (`cocoRules.ts`): queries over one
 * ingest's rows, whose job id is their one parameter (`$1`), selecting the
 * offending rows' `id` and `record_index` with what the rule's message needs.
 * The db layer runs them (`IngestRepository`).
 */

/** `AND category_id NOT IN (...)`, or nothing when no category is known (`NOT IN ()` is not SQL, and `NOT IN (NULL)` never true). */
export function notKnownCategory(scope: RuleScope, column = 'category_id'): string {
  // Category ids were validated as integers, so inlining them is safe and keeps the query one statement.
  return scope.knownCategories.size > 0 ? `AND ${column} NOT IN (${[...scope.knownCategories].join(',')})` : '';
}

/** Every row of `table` whose `coco_id` an earlier record (by `record_index`) of this ingest has: `v` the id, `first` the earlier record's index. */
export function duplicateIdSql(table: 'samples' | 'annotations'): string {
  return `SELECT x.id, x.record_index, x.coco_id AS v, d.first FROM ${table} x
      JOIN (SELECT coco_id, min(record_index) AS first FROM ${table} WHERE job_id = $1
            GROUP BY coco_id HAVING count(*) > 1) d ON d.coco_id = x.coco_id
      WHERE x.job_id = $1 AND x.record_index > d.first`;
}

/** The annotations of this ingest whose image id no image of the file has (an anti-join: no per-image state is kept while reading): `v` the image id. */
export const ANNOTATIONS_WITHOUT_IMAGE = `SELECT a.id, a.record_index, a.coco_id AS segment, a.image_coco_id AS v FROM annotations a
  WHERE a.job_id = $1 AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.job_id = $1 AND s.coco_id = a.image_coco_id)`;

/** Annotations of this ingest naming a category not in `scope`: `v` the category id. */
export function unknownCategorySql(scope: RuleScope): string {
  return `SELECT id, record_index, category_id AS v FROM annotations WHERE job_id = $1 AND category_id IS NOT NULL ${notKnownCategory(scope)}`;
}

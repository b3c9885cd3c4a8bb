import type { RuleScope, WholeFileRule } from '../AnnotationFormat.js';

/** `AND category_id NOT IN (...)`, or nothing when no category is known (`NOT IN ()` is not SQL, and `NOT IN (NULL)` never true). */
export function notKnownCategory(scope: RuleScope, column = 'category_id'): string {
  // Category ids were validated as integers, so inlining them is safe and keeps the query one statement.
  return scope.knownCategories.size > 0 ? `AND ${column} NOT IN (${[...scope.knownCategories].join(',')})` : '';
}

/** Annotations naming an image the file does not hold. */
export const unknownImage: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: (s) => (s.unresolved === 0 ? null : `SELECT id, record_index, image_coco_id AS v FROM annotations WHERE job_id = $1 AND sample_id IS NULL`),
  describe: (r, s) => `${s.file}: annotations[${r.record_index}].image_id: no image has id ${r.v}`,
};

/** Every occurrence of an annotation id after its first, in file order. */
export const duplicateAnnotationId: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: () => `SELECT a.id, a.record_index, a.coco_id AS v, d.first FROM annotations a
    JOIN (SELECT coco_id, min(record_index) AS first FROM annotations WHERE job_id = $1
          GROUP BY coco_id HAVING count(*) > 1) d ON d.coco_id = a.coco_id
    WHERE a.job_id = $1 AND a.record_index > d.first`,
  describe: (r, s) => `${s.file}: annotations[${r.record_index}].id: duplicate annotation id ${r.v} (first at annotations[${r.first}])`,
};

/** Annotations naming a category neither the file nor the dataset has. */
export const unknownCategory: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: (s) =>
    `SELECT id, record_index, category_id AS v FROM annotations WHERE job_id = $1 AND category_id IS NOT NULL ${notKnownCategory(s)}`,
  describe: (r, s) =>
    `${s.file}: annotations[${r.record_index}].category_id: no category has id ${r.v}` +
    (s.fileCategories === 0 ? ' (the file has no categories)' : ''),
};

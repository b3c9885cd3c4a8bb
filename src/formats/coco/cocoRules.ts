import type { RuleScope, WholeFileRule } from '../AnnotationFormat.js';

/** `AND category_id NOT IN (...)`, or nothing when no category is known (`NOT IN ()` is not SQL, and `NOT IN (NULL)` never true). */
export function notKnownCategory(scope: RuleScope, column = 'category_id'): string {
  // Category ids were validated as integers, so inlining them is safe and keeps the query one statement.
  return scope.knownCategories.size > 0 ? `AND ${column} NOT IN (${[...scope.knownCategories].join(',')})` : '';
}

/**
 * Every occurrence of a record id after its first, in file order: a rule for
 * the records of `section`, stored in `table`.
 */
function duplicateId(table: 'samples' | 'annotations', section: 'images' | 'annotations', noun: string): WholeFileRule {
  return {
    table,
    section,
    violations: () => `SELECT x.id, x.record_index, x.coco_id AS v, d.first FROM ${table} x
      JOIN (SELECT coco_id, min(record_index) AS first FROM ${table} WHERE job_id = $1
            GROUP BY coco_id HAVING count(*) > 1) d ON d.coco_id = x.coco_id
      WHERE x.job_id = $1 AND x.record_index > d.first`,
    describe: (r, s) => `${s.file}: ${section}[${r.record_index}].id: duplicate ${noun} id ${r.v} (first at ${section}[${r.first}])`,
  };
}

/**
 * Images whose id an earlier image of the file has. Applied before the other
 * rules: annotations name their image by id, which must then be unique.
 */
export const duplicateImageId: WholeFileRule = duplicateId('samples', 'images', 'image');

/** The annotations of this ingest whose image id no image of the file has (an anti-join: no per-image state is kept while reading). */
export const ANNOTATIONS_WITHOUT_IMAGE = `SELECT a.id, a.record_index, a.coco_id AS segment, a.image_coco_id AS v FROM annotations a
  WHERE a.job_id = $1 AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.job_id = $1 AND s.coco_id = a.image_coco_id)`;

/** Annotations naming an image the file does not hold. */
export const unknownImage: WholeFileRule = {
  table: 'annotations',
  section: 'annotations',
  violations: () => ANNOTATIONS_WITHOUT_IMAGE,
  describe: (r, s) => `${s.file}: annotations[${r.record_index}].image_id: no image has id ${r.v}`,
};

/** Every occurrence of an annotation id after its first, in file order. */
export const duplicateAnnotationId: WholeFileRule = duplicateId('annotations', 'annotations', 'annotation');

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

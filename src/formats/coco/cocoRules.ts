import type { WholeFileRule } from '../AnnotationFormat.js';
import { ANNOTATIONS_WITHOUT_IMAGE, duplicateIdSql, unknownCategorySql } from './cocoRulesSql.js';

/**
 * Every occurrence of a record id after its first, in file order: a rule for
 * the records of `section`, stored in `table`.
 */
function duplicateId(table: 'samples' | 'annotations', section: 'images' | 'annotations', noun: string): WholeFileRule {
  return {
    table,
    section,
    // Ids that rose strictly in file order repeat none: nothing to look for.
    violations: (scope) => (scope.risingIds?.has(table) ? null : duplicateIdSql(table)),
    describe: (r, s) => `${s.file}: ${section}[${r.record_index}].id: duplicate ${noun} id ${r.v} (first at ${section}[${r.first}])`,
  };
}

/**
 * Images whose id an earlier image of the file has. Applied before the other
 * rules: annotations name their image by id, which must then be unique.
 */
export const duplicateImageId: WholeFileRule = duplicateId('samples', 'images', 'image');

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
  violations: unknownCategorySql,
  describe: (r, s) =>
    `${s.file}: annotations[${r.record_index}].category_id: no category has id ${r.v}${s.fileCategories === 0 ? ' (the file has no categories)' : ''}`,
};

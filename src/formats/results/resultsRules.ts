import type { WholeFileRule } from '../AnnotationFormat.js';
import { RESULTS_WITHOUT_IMAGE, unknownResultCategorySql } from './resultsRulesSql.js';

/** Results naming an image the dataset does not hold. */
export const unknownResultImage: WholeFileRule = {
  table: 'predictions',
  section: 'results',
  violations: () => RESULTS_WITHOUT_IMAGE,
  describe: (r, s) => `${s.file}: [${r.record_index}].image_id: no image has id ${r.v}`,
};

/** Results naming a category the dataset does not have (when it has any). */
export const unknownResultCategory: WholeFileRule = {
  table: 'predictions',
  section: 'results',
  violations: (s) => (s.knownCategories.size === 0 ? null : unknownResultCategorySql(s)),
  describe: (r, s) => `${s.file}: [${r.record_index}].category_id: no category has id ${r.v}`,
};

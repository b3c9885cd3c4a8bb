import type { RuleScope } from '../AnnotationFormat.js';
import { notKnownCategory } from '../coco/cocoRulesSql.js';

/**
 * The SQL of the results format's whole-file rules (`resultsRules.ts`),
 * over one prediction set's rows, whose job id is their one parameter (`$1`).
 * The db layer runs them (`IngestRepository`) once the set's rows are appended, each with its sample.
 */

/** Results whose image id no sample of the dataset has (appended with no sample): `v` the image id. */
export const RESULTS_WITHOUT_IMAGE = `SELECT id, record_index, image_coco_id AS v FROM predictions WHERE job_id = $1 AND sample_id IS NULL`;

/** Results naming a category not in `scope`: `v` the category id. */
export function unknownResultCategorySql(scope: RuleScope): string {
  return `SELECT id, record_index, category_id AS v FROM predictions WHERE job_id = $1 AND category_id IS NOT NULL ${notKnownCategory(scope)}`;
}

import type { RuleScope } from '../AnnotationFormat.js';
import { notKnownCategory } from '../coco/cocoRulesSql.js';

/**
 * The SQL of panoptic's whole-file rules (`panopticRules.ts`), over the
 * annotations its segments became: queries of one ingest's rows, whose job id
 * is their one parameter (`$1`). The db layer runs them (`IngestRepository`).
 */

export { ANNOTATIONS_WITHOUT_IMAGE } from '../coco/cocoRulesSql.js';

/** Every segment of a second (or later) record for an image: `v` the image id, `first` the first record's index. */
export const SECOND_RECORD_OF_IMAGE = `SELECT a.id, a.record_index, a.image_coco_id AS v, d.first FROM annotations a
    JOIN (SELECT image_coco_id, min(record_index) AS first FROM annotations WHERE job_id = $1
          GROUP BY image_coco_id HAVING count(DISTINCT record_index) > 1) d ON d.image_coco_id = a.image_coco_id
    WHERE a.job_id = $1 AND a.record_index > d.first`;

/** Segments of this ingest naming a category not in `scope`: `segment` the segment id, `v` the category id. */
export function unknownSegmentCategorySql(scope: RuleScope): string {
  return `SELECT id, record_index, coco_id AS segment, category_id AS v FROM annotations WHERE job_id = $1 ${notKnownCategory(scope)}`;
}

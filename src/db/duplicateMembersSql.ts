import { DUPLICATE_DEFAULTS } from '../quality/duplicateDefaults.js';
import { datasetPairsSql } from './duplicatePairsSql.js';

/**
 * The distance `duplicate_members` is kept at: the default one, which
 * `GET /samples?duplicates=` filters by.
 */
export const KEPT_DUPLICATE_DISTANCE = DUPLICATE_DEFAULTS.maxDistance;

/**
 * The statement that fills `duplicate_members` for the datasets whose id meets
 * `datasetIs` (a condition written after a dataset id column): each sample in
 * a pair at {@link KEPT_DUPLICATE_DISTANCE}, once, `cross_split` when one of
 * its pairs spans splits. Run when a job moves hashes into a dataset's samples
 * (after emptying the dataset's rows) and by the migration that added it, so
 * the `duplicates=` filter reads a small table instead of searching the pairs
 * twice per page (the page and its total).
 */
export function fillDuplicateMembersSql(datasetIs: string): string {
  return `INSERT INTO duplicate_members
SELECT dataset_id, sample_id, bool_or(cross_split)
FROM (SELECT dataset_id, unnest([a, b]) AS sample_id, cross_split FROM (${datasetPairsSql(datasetIs, KEPT_DUPLICATE_DISTANCE)}))
GROUP BY dataset_id, sample_id;`;
}

import { KEPT_DUPLICATE_DISTANCE } from './duplicateMembersSql.js';
import { duplicatePairsSql } from './duplicatePairsSql.js';
import { checkRowsSql, qualityCheck } from './qualityChecks.js';

/** `GET /samples?duplicates=`: any duplicate, or one in another split. */
export type DuplicateFilter = 'any' | 'cross_split';

/**
 * The samples filter's condition (on `samples s`) for `duplicates=` and
 * `check=`, or null when neither is asked. Duplicates are pairs at the default
 * distance (a sample with a copy in another split, for `cross_split`), read
 * from `duplicate_members` (another distance searches the pairs); a check
 * keeps the samples it names. An unknown check keeps nothing (the route
 * refuses it before).
 */
export function qualityFilterSql(
  f: { datasetId: number; duplicates?: DuplicateFilter | undefined; check?: string | undefined },
  maxDistance: number,
): string | null {
  const conditions: string[] = [];
  if (f.duplicates !== undefined) {
    const cross = f.duplicates === 'cross_split';
    if (maxDistance === KEPT_DUPLICATE_DISTANCE) {
      const id = BigInt(f.datasetId).toString();
      conditions.push(`s.id IN (SELECT sample_id FROM duplicate_members WHERE dataset_id = ${id}${cross ? ' AND cross_split' : ''})`);
    } else {
      const pairs = duplicatePairsSql({ datasetId: f.datasetId, maxDistance });
      conditions.push(`s.id IN (SELECT unnest([a, b]) FROM (${pairs})${cross ? ' WHERE cross_split' : ''})`);
    }
  }
  if (f.check !== undefined) {
    const check = qualityCheck(f.check);
    conditions.push(check ? `s.id IN (SELECT sample_id FROM (${checkRowsSql(check, f.datasetId)}))` : 'false');
  }
  return conditions.length === 0 ? null : conditions.join(' AND ');
}

import { duplicatePairsSql } from './duplicatePairsSql.js';
import { checkRowsSql, qualityCheck } from './qualityChecks.js';

/** `GET /samples?duplicates=`: any duplicate, or one in another split. */
export type DuplicateFilter = 'any' | 'cross_split';

/**
 * The samples filter's condition (on `samples s`) for `duplicates=` and
 * `check=`, or null when neither is asked. Duplicates are pairs at the default
 * distance (a sample with a copy in another split, for `cross_split`); a check
 * keeps the samples it names. An unknown check keeps nothing (the route
 * refuses it before).
 */
export function qualityFilterSql(
  f: { datasetId: number; duplicates?: DuplicateFilter | undefined; check?: string | undefined },
  maxDistance: number,
): string | null {
  const conditions: string[] = [];
  if (f.duplicates !== undefined) {
    const pairs = duplicatePairsSql({ datasetId: f.datasetId, maxDistance });
    const where = f.duplicates === 'cross_split' ? ' WHERE cross_split' : '';
    conditions.push(`s.id IN (SELECT unnest([a, b]) FROM (${pairs})${where})`);
  }
  if (f.check !== undefined) {
    const check = qualityCheck(f.check);
    conditions.push(check ? `s.id IN (SELECT sample_id FROM (${checkRowsSql(check, f.datasetId)}))` : 'false');
  }
  return conditions.length === 0 ? null : conditions.join(' AND ');
}

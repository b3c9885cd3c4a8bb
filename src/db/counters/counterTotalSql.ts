import type { SampleFilter } from '../SampleFilter.js';
import { imagesColumn } from './imagesColumns.js';

/** The filter fields a split counter can answer together; a page query's other fields choose no samples. */
const COUNTED_FIELDS: ReadonlySet<string> = new Set(['datasetId', 'split', 'category', 'iscrowd', 'area', 'minAnnotations', 'maxAnnotations']);

/**
 * The query (one row, `n`) that reads how many samples `filter` keeps from the
 * split counters kept at commit, or null when it asks something they do not
 * count: then the total is a count of the samples, which builds the filter's
 * set a second time, after the page has built it once. What is counted: no condition
 * (`split_stats.images`); `iscrowd` or `area` alone (`split_stats`); a
 * category, alone or with `iscrowd` or `area` (`split_categories`);
 * `min_annotations`/`max_annotations` alone (`split_annotation_counts`); each
 * within `split` when one is given. A field this does not know, set to
 * anything, means it cannot answer, so a filter added later is counted, not
 * misread. `categoryId` is the category resolved as for `sampleFilterSql`
 * (null: none asked; -1: none such, which no row has).
 */
export function counterTotalSql(filter: object, categoryId: number | null): { sql: string; params: (bigint | string)[] } | null {
  for (const [field, value] of Object.entries(filter)) if (value !== undefined && !COUNTED_FIELDS.has(field)) return null;
  const f = filter as SampleFilter;
  // A category asked but not resolved (or the reverse) is not a filter this can read.
  if ((f.category === undefined) !== (categoryId === null)) return null;
  const params: (bigint | string)[] = [BigInt(f.datasetId)];
  const conditions = ['n.dataset_id = ?'];
  if (f.split !== undefined) {
    conditions.push(`n.job_id IN (SELECT id FROM jobs WHERE dataset_id = ? AND kind = 'ingest' AND split = ?)`);
    params.push(BigInt(f.datasetId), f.split);
  }
  const read = (table: string, column: string) => ({
    sql: `SELECT CAST(coalesce(sum(n.${column}), 0) AS BIGINT) AS n FROM ${table} n WHERE ${conditions.join(' AND ')}`,
    params,
  });
  const ranged = f.minAnnotations !== undefined || f.maxAnnotations !== undefined;
  const annotation = f.iscrowd !== undefined || f.area !== undefined;
  if (ranged) {
    if (annotation || categoryId !== null) return null;
    conditions.push('n.annotations BETWEEN ? AND ?');
    params.push(BigInt(f.minAnnotations ?? 0), BigInt(f.maxAnnotations ?? Number.MAX_SAFE_INTEGER));
    return read('split_annotation_counts', 'images');
  }
  // iscrowd with area means one annotation that is both: no counter keeps that.
  if (f.iscrowd !== undefined && f.area !== undefined) return null;
  const column = f.iscrowd !== undefined ? imagesColumn(f.iscrowd ? 'crowd' : 'noncrowd') : f.area !== undefined ? imagesColumn(f.area) : 'images';
  if (categoryId === null) return read('split_stats', column);
  conditions.push('n.category_id = ?');
  params.push(BigInt(categoryId));
  return read('split_categories', column);
}

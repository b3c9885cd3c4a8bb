import type { ColumnDef } from '../tables/TableMapping.js';

/**
 * A table of figures a browsing question counts, kept at commit instead of
 * counted at every read: filled by one `INSERT … SELECT` per job inside the
 * transaction that commits the job's rows, and emptied with them (a deleted
 * dataset, a discarded upload, a deleted prediction set), so it never
 * disagrees with the rows it counts. Every counter table has `dataset_id` and
 * `job_id` columns: they are how its rows are removed. A counter joins in
 * {@link COUNTER_TABLES} (one line), and a migration fills it for the jobs
 * committed before it existed (`fillCountersSql`).
 */
export interface CounterTable {
  /** The table's name. */
  readonly table: string;
  /** Its columns in table order; the first two are `dataset_id` and `job_id`. */
  readonly columns: readonly ColumnDef[];
  /** The kind of job whose commit fills it (`ingest`: a split of ground truth; `predictions`: a prediction set). */
  readonly source: string;
  /**
   * Whether it can be filled a slice of a split's images at a time: each of its
   * rows counts what one image has (see {@link ImageSlice}).
   */
  readonly sliced: boolean;
  /**
   * The `SELECT` of its rows for the jobs whose id meets `jobIs`, a condition
   * on a job id column written after it (`= $1`, or `IN (SELECT …)`), and, for a
   * sliced counter, for the images `images` keeps. It may read the counters
   * listed before it in {@link COUNTER_TABLES}: they are filled first.
   */
  select(jobIs: string, images: ImageSlice): string | readonly string[];
}

/**
 * A condition on an image id column (`a.image_coco_id`) that keeps one slice
 * of a split's images. A commit fills the sliced counters slice by slice:
 * their groupings and the annotations' self-join then fit DuckDB's 128 MB
 * `memory_limit` instead of spilling. At 1M images, 20 slices took
 * `sample_categories` from 5.7 s to 2.2 s and the duplicate pairs from 4.1 s to 1.0 s.
 */
export type ImageSlice = (column: string) => string;

/** Every image: the one slice of a counter that is not sliced, and of a migration. */
export const ALL_IMAGES: ImageSlice = () => 'true';

/** Images a slice holds at most, about: the slices of a split are its images' id quantiles. */
export const SLICE_IMAGES = 50_000;

/**
 * The slices between sorted image ids `bounds`: ids up to the first bound,
 * then each bound (exclusive) to the next (inclusive), then past the last.
 */
export function imageSlices(bounds: readonly number[]): ImageSlice[] {
  const slices: ImageSlice[] = [];
  for (let i = 0; i <= bounds.length; i++) {
    const low = i === 0 ? null : bounds[i - 1]!;
    const high = i === bounds.length ? null : bounds[i]!;
    if (low === null && high === null) return [ALL_IMAGES];
    slices.push((column) => [low === null ? null : `${column} > ${low}`, high === null ? null : `${column} <= ${high}`].filter(Boolean).join(' AND '));
  }
  return slices;
}

/**
 * The statements that fill `counter` for the jobs whose id meets `jobIs` (see
 * {@link CounterTable.select}), one per `SELECT`: a counter made of heavy parts
 * gives each its own statement, since one `UNION ALL` of them ran DuckDB out
 * of a 128 MB `memory_limit` inside a 1M-image ingest's transaction where each
 * part alone did not.
 */
export function fillCounterStatements(counter: CounterTable, jobIs: string, slices: readonly ImageSlice[] = [ALL_IMAGES]): string[] {
  return (counter.sliced ? slices : [ALL_IMAGES]).flatMap((images) => {
    const selects = counter.select(jobIs, images);
    return (typeof selects === 'string' ? [selects] : [...selects]).map((select) => `INSERT INTO ${counter.table} ${select};`);
  });
}

/** {@link fillCounterStatements} as one script, for a migration. */
export function fillCounterSql(counter: CounterTable, jobIs: string): string {
  return fillCounterStatements(counter, jobIs).join('\n');
}

/**
 * The statements that fill `counters`, in order, for every job whose rows are
 * in the database: what a migration runs for the counters it adds (named, not
 * the whole registry, so a later counter is filled by its own migration only).
 * Only a complete job's rows outlive its transaction, so every job id found is
 * one to count: no join with `jobs`, whose semi-join DuckDB built on the large
 * side and ran out of a 128 MB `memory_limit` at 1M images.
 */
export function fillCountersSql(counters: readonly CounterTable[]): string {
  return counters.map((c) => fillCounterSql(c, 'IS NOT NULL')).join('\n');
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { fillCounterStatements, type ImageSlice, imageSlices, SLICE_IMAGES } from './counters/CounterTable.js';
import { COUNTER_TABLES } from './counters/counterTables.js';
import { fillDuplicateMembersSql } from './duplicateMembersSql.js';
import { type NumericRows, readNumericRows } from './NumericRows.js';
import { type Row, toPlainRows } from './toPlainRows.js';

/** What {@link IngestRepository} needs of a whole-file rule: the table of its rows and the query selecting the offending ones. */
export interface RuleQuery {
  /** The table the offending rows are in. */
  table: 'samples' | 'annotations' | 'predictions';
  /** Selects the offending rows (`id`, `record_index`, ...) of one ingest, whose job id is its one parameter (`$1`). */
  sql: string;
}

const b = (n: number): bigint => BigInt(n);

/**
 * Every SQL statement an ingest's writers run inside their own transaction,
 * on its connection, before it commits: the dataset's categories, the
 * whole-file rules' violations (their queries are the formats' own, in each
 * format's `*RulesSql.ts`), prediction sets' samples and status, the
 * counter tables of the job's kind, and the hash job's hashes and failures.
 */
export class IngestRepository {
  readonly #conn: DuckDBConnection;

  /** `conn` is the ingest's connection, inside its open transaction. */
  constructor(conn: DuckDBConnection) {
    this.#conn = conn;
  }

  /** The ids of the categories the dataset already has. */
  async categoryIds(datasetId: number): Promise<number[]> {
    const rows = toPlainRows(await this.#conn.runAndReadAll('SELECT id FROM categories WHERE dataset_id = ?', [b(datasetId)]));
    return rows.map((r) => Number(r.id));
  }

  /** The first `limit` rows a rule selects of this ingest, in file order. */
  async firstViolations(rule: RuleQuery, jobId: string, limit: number): Promise<Row[]> {
    return toPlainRows(await this.#conn.runAndReadAll(`${rule.sql} ORDER BY record_index, id LIMIT ${Math.trunc(limit)}`, [jobId]));
  }

  /** Deletes every row a rule selects of this ingest; returns how many. */
  async deleteViolations(rule: RuleQuery, jobId: string): Promise<number> {
    const [total] = toPlainRows(await this.#conn.runAndReadAll(`SELECT count(*) AS n FROM (${rule.sql})`, [jobId]));
    await this.#conn.run(`DELETE FROM ${rule.table} WHERE job_id = $1 AND id IN (SELECT id FROM (${rule.sql}))`, [jobId]);
    return Number(total!.n);
  }

  /** Deletes the image failures of this ingest whose sample is gone (a skipped duplicate image's). */
  async deleteOrphanFailures(jobId: string): Promise<void> {
    await this.#conn.run('DELETE FROM image_failures WHERE job_id = $1 AND sample_id NOT IN (SELECT id FROM samples WHERE job_id = $1)', [jobId]);
  }

  /**
   * Leaves each sample of the ingest `jobId` at most one `image_failures` row
   * (the samples' reads join that table on `sample_id`, and a second row would
   * show the sample twice): a panoptic sample whose image and mask both failed
   * keeps its image's failure, since without the image there is nothing to
   * draw the mask over. The `complete` event still counts both.
   */
  async keepOneFailurePerSample(jobId: string): Promise<void> {
    await this.#conn.run(
      `DELETE FROM image_failures
       WHERE job_id = $1 AND starts_with(code, 'MASK_')
         AND sample_id IN (SELECT sample_id FROM image_failures WHERE job_id = $1 AND NOT starts_with(code, 'MASK_'))`,
      [jobId],
    );
  }

  /**
   * Leaves each sample the hash job `jobId` read at most one `image_failures`
   * row: the samples' reads join that table on `sample_id`, and a second row
   * would show the sample twice. A failure an earlier hash job recorded for an
   * image this one read again is its verdict of then, and goes (the file may
   * have been put back, or broken otherwise): this job's outcome replaces it. A
   * failure the sample's ingest recorded for its image goes too once this job
   * has read the image (the thumbnail is then made on demand); one for its
   * panoptic mask (`MASK_*`) stays, since this job does not read masks. When
   * this job cannot read the image either, the ingest's failure stays and this
   * job adds none beside it. Call before
   * {@link moveHashesToSamples}, which empties the staged hashes that say which
   * images this job read.
   */
  async settleHashJobFailures(jobId: string, datasetId: number): Promise<void> {
    await this.#conn.run(
      `DELETE FROM image_failures
       WHERE dataset_id = $2 AND job_id <> $1
         -- An image's failure, whoever recorded it, once this job read the image (a hash job records no MASK_*),
         AND ((NOT starts_with(code, 'MASK_') AND sample_id IN (SELECT sample_id FROM sample_hashes WHERE job_id = $1))
           -- and an earlier hash job's failure of an image this job failed on too: this job's replaces it.
           OR (job_id IN (SELECT id FROM jobs WHERE dataset_id = $2 AND kind = 'hash')
               AND sample_id IN (SELECT sample_id FROM image_failures WHERE job_id = $1)))`,
      [jobId, b(datasetId)],
    );
    await this.#conn.run(
      `DELETE FROM image_failures
       WHERE job_id = $1
         AND sample_id IN (SELECT sample_id FROM image_failures WHERE dataset_id = $2 AND job_id <> $1)`,
      [jobId, b(datasetId)],
    );
  }

  /**
   * The dataset's samples by image id, in image id order: each image id with the
   * first sample (in id order) that has it, as a dataset's splits may reuse an
   * image id. What a prediction set resolves its results' `image_id`s against.
   */
  async samplesByImage(datasetId: number): Promise<NumericRows> {
    return readNumericRows(
      await this.#conn.run(`SELECT CAST(coco_id AS DOUBLE), CAST(min(id) AS DOUBLE) FROM samples WHERE dataset_id = ? GROUP BY coco_id ORDER BY coco_id`, [
        b(datasetId),
      ]),
    );
  }

  /**
   * Moves the hashes a job's workers returned (`sample_hashes`) into the
   * samples' rows (its own samples for an ingest; any of its dataset for the
   * hash job), in one UPDATE, and empties them from the staging table.
   */
  async moveHashesToSamples(jobId: string): Promise<void> {
    const datasets = toPlainRows(
      await this.#conn.runAndReadAll('SELECT DISTINCT s.dataset_id FROM sample_hashes h JOIN samples s ON s.id = h.sample_id WHERE h.job_id = $1', [jobId]),
    );
    await this.#conn.run(
      `UPDATE samples s SET content_hash = h.content_hash, phash = h.phash
       FROM sample_hashes h WHERE h.job_id = $1 AND s.id = h.sample_id`,
      [jobId],
    );
    await this.#conn.run('DELETE FROM sample_hashes WHERE job_id = $1', [jobId]);
    // The duplicates at the default distance, kept per dataset: new hashes can pair with any of the dataset's.
    for (const { dataset_id } of datasets) {
      const id = BigInt(dataset_id as bigint).toString();
      await this.#conn.run(`DELETE FROM duplicate_members WHERE dataset_id = ${id}`);
      await this.#conn.run(fillDuplicateMembersSql(`= ${id}`));
    }
  }

  /** Marks the prediction set of this ingest `ready`, with its count. */
  async markPredictionSetReady(jobId: string, count: number): Promise<void> {
    await this.#conn.run(`UPDATE prediction_sets SET status = 'ready', prediction_count = ? WHERE job_id = ?`, [b(count), jobId]);
  }

  /**
   * Fills the counter tables of a kind of job (`ingest`, `predictions`) for this
   * job's rows, in registry order: the last statements before the commit, so
   * the counts commit with what they count.
   */
  async fillCounters(kind: string, jobId: string): Promise<void> {
    const slices = await this.#imageSlices(jobId);
    for (const counter of COUNTER_TABLES) {
      if (counter.source !== kind) continue;
      try {
        for (const statement of fillCounterStatements(counter, '= $1', slices)) await this.#conn.run(statement, [jobId]);
      } catch (err) {
        // Which counter: DuckDB's own message (an out-of-memory one, say) names no statement.
        throw new Error(`filling the counter table ${counter.table}: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** The job's images in slices of about {@link SLICE_IMAGES}, by the quantiles of their ids (one slice for a smaller split). */
  async #imageSlices(jobId: string): Promise<ImageSlice[]> {
    const [count] = toPlainRows(await this.#conn.runAndReadAll('SELECT count(*) AS n FROM samples WHERE job_id = $1', [jobId]));
    const slices = Math.ceil(Number(count!.n) / SLICE_IMAGES);
    if (slices <= 1) return imageSlices([]);
    const quantiles = Array.from({ length: slices - 1 }, (_, i) => (i + 1) / slices);
    const [row] = toPlainRows(
      await this.#conn.runAndReadAll(`SELECT quantile_disc(coco_id, [${quantiles.join(', ')}]) AS bounds FROM samples WHERE job_id = $1`, [jobId]),
    );
    // Distinct bounds only: ids repeated past a quantile (a file's duplicate ids, refused later) would make empty slices.
    return imageSlices([...new Set((row!.bounds as unknown[]).map(Number))]);
  }
}

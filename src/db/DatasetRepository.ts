import { notFound } from '../errors.js';
import { COUNTER_TABLES } from './counters/counterTables.js';
import type { Database, InTransaction } from './Database.js';
import { datasetSummaries } from './datasetSummaries.js';
import { deleteEvaluationsOfSet, EvaluationRepository } from './EvaluationRepository.js';
import { categoriesTable } from './tables/categoriesTable.js';
import { selectList } from './tables/TableMapping.js';
import { type Row, toPlainRows } from './toPlainRows.js';

/** A dataset's lifecycle. Only `ready` datasets' counts are final. */
export type DatasetStatus = 'ingesting' | 'ready' | 'failed' | 'cancelled';

/** A job row as stored. */
export interface JobRow {
  id: string;
  /** The kind's name (`ingest`, `predictions`, `upload`, ...). */
  kind: string;
  dataset_id: number;
  split: string;
  status: string;
  annotation_path: string;
  image_dir: string | null;
  mask_dir: string | null;
  options: Record<string, unknown>;
  info: unknown;
  licenses: unknown;
  result: Record<string, unknown> | null;
  error_code: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** What a kind of job stores of its request in its row. */
export interface JobRecordFields {
  /** The split a ground-truth file becomes, or what else names the job's subject (a prediction set's name). */
  split: string;
  annotationPath: string;
  imageDir: string | null;
  maskDir: string | null;
  /** The rest of the request, as JSON. */
  options: Record<string, unknown>;
}

const b = (n: number): bigint => BigInt(n);
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * Every SQL statement about datasets and jobs. Writes go through the control
 * connection (auto-committed, small); reads through the read pool.
 */
export class DatasetRepository {
  readonly #db: Database;
  /** The statements about evaluations, on the same database. */
  readonly evaluations: EvaluationRepository;

  constructor(db: Database) {
    this.#db = db;
    this.evaluations = new EvaluationRepository(db);
  }

  /** The largest ids in use, to seed the id sequences at start-up. */
  async maxIds(): Promise<{ sample: number; annotation: number; prediction: number }> {
    const [row] = await this.#db.queryOnWriter(`SELECT
      (SELECT coalesce(max(id), 0) FROM samples) AS sample,
      (SELECT coalesce(max(id), 0) FROM annotations) AS annotation,
      (SELECT coalesce(max(id), 0) FROM predictions) AS prediction`);
    return { sample: Number(row!.sample), annotation: Number(row!.annotation), prediction: Number(row!.prediction) };
  }

  async createDataset(name: string): Promise<number> {
    const [row] = await this.#db.queryOnWriter(`INSERT INTO datasets VALUES (nextval('dataset_ids'), ?, 'ingesting', NULL, now(), now()) RETURNING id`, [name]);
    return Number(row!.id);
  }

  async setDatasetStatus(id: number, status: DatasetStatus, error: string | null = null): Promise<void> {
    await this.#db.write(`UPDATE datasets SET status = ?, error = ?, updated_at = now() WHERE id = ?`, [status, error, b(id)]);
  }

  /** After a failed or cancelled ingest: `ready` if earlier splits remain, else the failure's own status. */
  async settleDatasetAfterFailure(id: number, status: 'failed' | 'cancelled', error: string): Promise<void> {
    const [row] = await this.#db.queryOnWriter(`SELECT count(*) AS n FROM jobs WHERE dataset_id = ? AND status = 'complete' AND kind = 'ingest'`, [b(id)]);
    await this.setDatasetStatus(id, Number(row!.n) > 0 ? 'ready' : status, error);
  }

  /**
   * Checks that the dataset exists, without reading more of it.
   * @throws AppError `NOT_FOUND` naming it when it does not
   */
  async assertDatasetExists(id: number): Promise<void> {
    const rows = await this.#db.queryOnWriter('SELECT 1 FROM datasets WHERE id = ?', [b(id)]);
    if (rows.length === 0) throw notFound('dataset', id);
  }

  /** True when the dataset already has this split, complete or on its way. */
  async hasSplit(datasetId: number, split: string): Promise<boolean> {
    const rows = await this.#db.queryOnWriter(
      `SELECT 1 FROM jobs WHERE dataset_id = ? AND split = ? AND kind = 'ingest' AND status IN ('queued', 'running', 'complete')`,
      [b(datasetId), split],
    );
    return rows.length > 0;
  }

  /** True when the dataset has a prediction set of this name, loaded or loading. */
  async hasPredictionSet(datasetId: number, name: string): Promise<boolean> {
    const rows = await this.#db.queryOnWriter(`SELECT 1 FROM prediction_sets WHERE dataset_id = ? AND name = ? AND status IN ('loading', 'ready')`, [
      b(datasetId),
      name,
    ]);
    return rows.length > 0;
  }

  /** Records a queued job: the one place a `jobs` row is made. */
  async createJob(job: { id: string; kind: string; datasetId: number } & JobRecordFields): Promise<void> {
    await this.#db.write(
      `INSERT INTO jobs (id, dataset_id, split, status, annotation_path, image_dir, options, created_at, kind, mask_dir)
       VALUES (?, ?, ?, 'queued', ?, ?, ?, now(), ?, ?)`,
      [job.id, b(job.datasetId), job.split, job.annotationPath, job.imageDir, JSON.stringify(job.options), job.kind, job.maskDir],
    );
  }

  /** A prediction set about to load: `loading` until its job commits (a failed one of the same name is replaced). */
  async openPredictionSet(datasetId: number, name: string, jobId: string): Promise<void> {
    await this.#db.write(`DELETE FROM prediction_sets WHERE dataset_id = ? AND name = ?`, [b(datasetId), name]);
    await this.#db.write(`INSERT INTO prediction_sets VALUES (?, ?, ?, 'loading', 0, now(), NULL)`, [b(datasetId), name, jobId]);
  }

  /**
   * The statements that make a job `complete` (and, given its dataset, the
   * dataset `ready`), to run inside the transaction that commits the job's rows,
   * so the rows and the status commit together.
   */
  completeJobInTransaction(
    jobId: string,
    result: Record<string, unknown>,
    metadata: { info: unknown; licenses: unknown },
    readyDatasetId: number | null,
  ): InTransaction {
    return async (conn) => {
      await conn.run(`UPDATE jobs SET status = 'complete', info = ?, licenses = ?, result = ?, finished_at = now() WHERE id = ?`, [
        json(metadata.info),
        json(metadata.licenses),
        JSON.stringify(result),
        jobId,
      ]);
      if (readyDatasetId !== null) {
        await conn.run(`UPDATE datasets SET status = 'ready', error = NULL, updated_at = now() WHERE id = ?`, [b(readyDatasetId)]);
      }
    };
  }

  /** An upload's archive name and its dataset's, once a form has told them. */
  async nameUpload(jobId: string, archive: string, datasetName: string): Promise<void> {
    await this.#db.transaction(async (conn) => {
      await conn.run('UPDATE jobs SET annotation_path = ? WHERE id = ?', [archive, jobId]);
      await conn.run('UPDATE datasets SET name = ?, updated_at = now() WHERE id = (SELECT dataset_id FROM jobs WHERE id = ?)', [datasetName, jobId]);
    });
  }

  /**
   * An upload that failed or was cancelled takes back what it had committed: in
   * one transaction its splits' rows go, their jobs say they were rolled back,
   * and the dataset is left empty with the failure's status and message.
   */
  async discardUpload(datasetId: number, status: 'failed' | 'cancelled', error: string): Promise<void> {
    await this.#db.transaction(async (conn) => {
      for (const table of [...DATASET_TABLES.filter((t) => t !== 'jobs'), ...COUNTER_TABLE_NAMES])
        await conn.run(`DELETE FROM ${table} WHERE dataset_id = ?`, [b(datasetId)]);
      await conn.run(
        `UPDATE jobs SET status = 'cancelled', result = NULL, error_code = 'CANCELLED', error = ?
         WHERE dataset_id = ? AND kind = 'ingest' AND status = 'complete'`,
        [`rolled back: the upload of this split's dataset ended ${status} (${error})`, b(datasetId)],
      );
      await conn.run(`UPDATE datasets SET status = ?, error = ?, updated_at = now() WHERE id = ?`, [status, error, b(datasetId)]);
    });
  }

  /** A prediction set whose load failed or was cancelled: kept as `failed`, with why, so its name can be loaded again. */
  async failPredictionSet(jobId: string, error: string): Promise<void> {
    await this.#db.write(`UPDATE prediction_sets SET status = 'failed', error = ? WHERE job_id = ?`, [error, jobId]);
  }

  /** Deletes a prediction set, its predictions, its counters and its evaluations, in one transaction. @throws AppError 404 when there is none. */
  async deletePredictionSet(datasetId: number, name: string): Promise<void> {
    await this.#db.transaction(async (conn) => {
      const found = toPlainRows(await conn.runAndReadAll('SELECT job_id FROM prediction_sets WHERE dataset_id = ? AND name = ?', [b(datasetId), name]));
      if (found.length === 0) throw notFound('prediction set', name);
      for (const table of COUNTER_TABLE_NAMES) await conn.run(`DELETE FROM ${table} WHERE job_id = ?`, [String(found[0]!.job_id)]);
      await deleteEvaluationsOfSet(conn, datasetId, name);
      await conn.run('DELETE FROM predictions WHERE dataset_id = ? AND set_name = ?', [b(datasetId), name]);
      await conn.run('DELETE FROM prediction_sets WHERE dataset_id = ? AND name = ?', [b(datasetId), name]);
    });
  }

  async markJobRunning(id: string): Promise<void> {
    await this.#db.write(`UPDATE jobs SET status = 'running', started_at = now() WHERE id = ?`, [id]);
  }

  async finishJob(
    id: string,
    status: 'complete' | 'failed' | 'cancelled',
    result: Record<string, unknown> | null,
    error: { code: string; message: string } | null,
  ): Promise<void> {
    await this.#db.write(`UPDATE jobs SET status = ?, result = ?, error_code = ?, error = ?, finished_at = coalesce(finished_at, now()) WHERE id = ?`, [
      status,
      result === null ? null : JSON.stringify(result),
      error?.code ?? null,
      error?.message ?? null,
      id,
    ]);
  }

  async getJob(id: string): Promise<JobRow | null> {
    const rows = await this.#db.query<JobRow & Row>('SELECT * FROM jobs WHERE id = ?', [id]);
    return rows[0] ?? null;
  }

  async listJobs(limit: number): Promise<JobRow[]> {
    return this.#db.query<JobRow & Row>('SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT ?', [limit]);
  }

  /** The jobs a previous process left queued or running, oldest first. */
  async unfinishedJobs(): Promise<JobRow[]> {
    return this.#db.queryOnWriter<JobRow & Row>(`SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at`);
  }

  /** The datasets with their live counts, newest first. */
  async listDatasets(): Promise<Row[]> {
    return datasetSummaries(this.#db);
  }

  /** One dataset with counts, splits, categories and plugin data. */
  async getDataset(id: number): Promise<Row> {
    // All at once, the dataset's own row among them: one round of reads instead of two.
    const [[dataset], splits, categories, categoryCounts, plugins, predictionSets] = await Promise.all([
      datasetSummaries(this.#db, id),
      this.#db.query(
        // A split's counts are its job's final ones (its complete event's), not counted again at every read.
        `SELECT j.split AS name, j.id AS job_id, j.status, j.result->>'format' AS format, j.annotation_path, j.image_dir,
                j.mask_dir, j.info, j.licenses, j.finished_at,
                CAST(j.result->>'image_count' AS BIGINT) AS image_count,
                CAST(j.result->>'annotation_count' AS BIGINT) AS annotation_count
         FROM jobs j WHERE j.dataset_id = ? AND j.status = 'complete' AND j.kind = 'ingest' ORDER BY j.finished_at`,
        [b(id)],
      ),
      this.#db.query(`SELECT ${selectList(categoriesTable, 'c')} FROM categories c WHERE c.dataset_id = ? ORDER BY c.id`, [b(id)]),
      // Each category's count is its splits' (split_categories, kept at commit): counting them was a grouped scan of the
      // annotations. Summed here, not in a grouped join, for the reason datasetSummaries gives.
      this.#db.query('SELECT category_id, annotations FROM split_categories WHERE dataset_id = ?', [b(id)]),
      this.#db.query('SELECT plugin, data FROM plugin_data WHERE dataset_id = ? ORDER BY plugin', [b(id)]),
      this.#db.query(`SELECT name, prediction_count, status, created_at, error FROM prediction_sets WHERE dataset_id = ? ORDER BY created_at, name`, [b(id)]),
    ]);
    if (!dataset) throw notFound('dataset', id);
    return {
      ...dataset,
      splits: splits.map((s) => (s.mask_dir === null ? (({ mask_dir: _m, ...rest }) => rest)(s) : s)),
      categories: withAnnotationCounts(categories, categoryCounts).map((c) => categoriesTable.shape(c)),
      prediction_sets: predictionSets,
      plugins: Object.fromEntries(plugins.map((p) => [p.plugin, p.data])),
    };
  }

  /**
   * Removes a dataset's rows and counters in one transaction, on a connection of its own (the
   * control connection is shared by concurrent callers, whose statements would
   * otherwise land inside this transaction). Its thumbnails are the caller's to remove.
   */
  async deleteDataset(id: number): Promise<void> {
    await this.#db.transaction(async (conn) => {
      for (const table of [...DATASET_TABLES, ...COUNTER_TABLE_NAMES]) await conn.run(`DELETE FROM ${table} WHERE dataset_id = ?`, [b(id)]);
      await conn.run('DELETE FROM datasets WHERE id = ?', [b(id)]);
    });
  }
}

/** Every table with a `dataset_id`: what deleting a dataset empties. */
const DATASET_TABLES = [
  'annotations',
  'samples',
  'image_failures',
  'panoptic_records',
  'categories',
  'predictions',
  'prediction_sets',
  'evaluations',
  'evaluation_predictions',
  'evaluation_ground_truths',
  'evaluation_images',
  'plugin_data',
  'duplicate_members',
  'jobs',
] as const;

/** The counter tables (`src/db/counters/`): emptied with the rows they count. */
const COUNTER_TABLE_NAMES = COUNTER_TABLES.map((c) => c.table);

/** Each category with `annotation_count`, the sum of its splits' counts. */
function withAnnotationCounts(categories: Row[], splitCounts: Row[]): Row[] {
  const sums = new Map<number, number>();
  for (const row of splitCounts) sums.set(Number(row.category_id), (sums.get(Number(row.category_id)) ?? 0) + Number(row.annotations ?? 0));
  return categories.map((c) => ({ ...c, annotation_count: sums.get(Number(c.id)) ?? 0 }));
}

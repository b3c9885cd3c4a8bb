import type { DuckDBConnection } from '@duckdb/node-api';
import { notFound } from '../errors.js';
import type { Database, InTransaction } from './Database.js';
import { CONFUSION_CELLS_SQL, confusionCellsParams } from './evaluationConfusionSql.js';
import { type EvaluationRowIn, evaluationsTable } from './tables/evaluationsTable.js';
import { type Row, toPlainRows } from './toPlainRows.js';

const b = (n: number): bigint => BigInt(n);

/** The tables an evaluation's outcomes are in, each keyed by `(dataset_id, evaluation)`. */
export const EVALUATION_OUTCOME_TABLES = ['evaluation_predictions', 'evaluation_ground_truths', 'evaluation_images'] as const;

/** A complete split of a dataset: the ground truth an evaluation reads. */
export interface SplitRef {
  split: string;
  jobId: string;
}

/** A category as an evaluation reads it: its keypoint count decides whether the sigmas fit. */
export interface EvaluationCategory {
  /** The category's id, as the dataset gives it. */
  id: number;
  /** Its name, for the per-category figures. */
  name: string;
  /** Keypoints the category names; null when it names none. */
  keypointCount: number | null;
}

/** What the commit of an evaluation sets on its row. */
export interface EvaluationFiguresRow {
  summary: number[];
  stats: Record<string, number>;
  perCategory: unknown[];
  prCurves: unknown[];
  durationMs: number;
}

/**
 * Every SQL statement about evaluations but their sample filters
 * (`evaluationSampleFilters.ts`) and the rows they read
 * (`EvaluationRowReader`): their rows' lifecycle, the reads of the API, and
 * what deleting one, its prediction set or its dataset removes.
 */
export class EvaluationRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The dataset's complete splits, in the order they were ingested. */
  async splits(datasetId: number): Promise<SplitRef[]> {
    const rows = await this.#db.queryOnWriter(
      `SELECT split, id FROM jobs WHERE dataset_id = ? AND kind = 'ingest' AND status = 'complete' ORDER BY finished_at, split`,
      [b(datasetId)],
    );
    return rows.map((r) => ({ split: String(r.split), jobId: String(r.id) }));
  }

  /** True when the prediction set is loaded (`ready`). */
  async predictionSetReady(datasetId: number, name: string): Promise<boolean> {
    const rows = await this.#db.queryOnWriter(`SELECT 1 FROM prediction_sets WHERE dataset_id = ? AND name = ? AND status = 'ready'`, [b(datasetId), name]);
    return rows.length > 0;
  }

  /** True when an evaluation of this name exists, ready or running. */
  async exists(datasetId: number, name: string): Promise<boolean> {
    const rows = await this.#db.queryOnWriter(`SELECT 1 FROM evaluations WHERE dataset_id = ? AND name = ? AND status IN ('running', 'ready')`, [
      b(datasetId),
      name,
    ]);
    return rows.length > 0;
  }

  /** An evaluation about to run: `running` until its job commits (a failed one of the same name is replaced). */
  async open(row: EvaluationRowIn): Promise<void> {
    const columns = evaluationsTable.columns.map((c) => c.name);
    const values = evaluationsTable.values(row);
    const placeholders = columns.map((c) => (c === 'created_at' ? 'now()' : '?'));
    const params = values.filter((_, i) => columns[i] !== 'created_at');
    await this.#db.transaction(async (conn) => {
      await conn.run(`DELETE FROM evaluations WHERE dataset_id = ? AND name = ?`, [b(row.datasetId), row.name]);
      await conn.run(`INSERT INTO evaluations (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, params);
    });
  }

  /** The statement that makes an evaluation `ready` with its figures, run inside the transaction that commits its outcome rows. */
  readyInTransaction(jobId: string, figures: EvaluationFiguresRow): InTransaction {
    return async (conn) => {
      await conn.run(
        `UPDATE evaluations SET status = 'ready', summary = ?, stats = ?, per_category = ?, pr_curves = ?, duration_ms = ?, error = NULL WHERE job_id = ?`,
        [
          JSON.stringify(figures.summary),
          JSON.stringify(figures.stats),
          JSON.stringify(figures.perCategory),
          JSON.stringify(figures.prCurves),
          b(figures.durationMs),
          jobId,
        ],
      );
    };
  }

  /** An evaluation whose job failed or was cancelled: kept as `failed`, with why, so its name can be used again. */
  async fail(jobId: string, error: string): Promise<void> {
    await this.#db.write(`UPDATE evaluations SET status = 'failed', error = ? WHERE job_id = ? AND status = 'running'`, [error, jobId]);
  }

  /** The dataset's evaluations, oldest first. */
  async list(datasetId: number): Promise<Row[]> {
    const rows = await this.#db.query(`SELECT * FROM evaluations WHERE dataset_id = ? ORDER BY created_at, name`, [b(datasetId)]);
    return rows.map(evaluationsTable.shape);
  }

  /** One evaluation's row, with its figures. @throws AppError 404 when there is none. */
  async get(datasetId: number, name: string): Promise<Row> {
    const [row] = await this.#db.query(`SELECT * FROM evaluations WHERE dataset_id = ? AND name = ?`, [b(datasetId), name]);
    if (!row) throw notFound('evaluation', name);
    return {
      ...evaluationsTable.shape(row),
      stats: row.stats ?? null,
      per_category: row.per_category ?? [],
      pr_curves: row.pr_curves ?? [],
    };
  }

  /** A `ready` evaluation's row. @throws AppError 404 when there is none (or it is not ready). */
  async getReady(datasetId: number, name: string): Promise<Row> {
    const row = await this.get(datasetId, name);
    if (row.status !== 'ready') throw notFound('evaluation', name);
    return row;
  }

  /** The number of confusion-matrix cells' entries at `minScore`, by (ground-truth class, predicted class), null for the background. */
  async confusionCounts(datasetId: number, name: string, minScore: number): Promise<{ gt: number | null; pred: number | null; n: number }[]> {
    const rows = await this.#db.query(
      `SELECT gt_category, pred_category, count(*) AS n FROM (${CONFUSION_CELLS_SQL}) GROUP BY ALL`,
      confusionCellsParams(datasetId, name, minScore),
    );
    return rows.map((r) => ({ gt: r.gt_category as number | null, pred: r.pred_category as number | null, n: Number(r.n) }));
  }

  /** The dataset's categories, by id. */
  async categories(datasetId: number): Promise<EvaluationCategory[]> {
    const rows = await this.#db.query(`SELECT id, name, json_array_length(keypoints) AS k FROM categories WHERE dataset_id = ? ORDER BY id`, [b(datasetId)]);
    return rows.map((r) => ({ id: Number(r.id), name: String(r.name), keypointCount: r.k === null ? null : Number(r.k) }));
  }

  /** Deletes an evaluation and its outcomes, in one transaction. @throws AppError 404 when there is none. */
  async delete(datasetId: number, name: string): Promise<void> {
    await this.#db.transaction(async (conn) => {
      const found = toPlainRows(await conn.runAndReadAll('SELECT 1 FROM evaluations WHERE dataset_id = ? AND name = ?', [b(datasetId), name]));
      if (found.length === 0) throw notFound('evaluation', name);
      for (const table of EVALUATION_OUTCOME_TABLES) await conn.run(`DELETE FROM ${table} WHERE dataset_id = ? AND evaluation = ?`, [b(datasetId), name]);
      await conn.run('DELETE FROM evaluations WHERE dataset_id = ? AND name = ?', [b(datasetId), name]);
    });
  }

  /** The names of the running evaluations of a prediction set (to cancel before it is deleted). */
  async runningOf(datasetId: number, predictions: string): Promise<string[]> {
    const rows = await this.#db.queryOnWriter(`SELECT job_id FROM evaluations WHERE dataset_id = ? AND predictions = ? AND status = 'running'`, [
      b(datasetId),
      predictions,
    ]);
    return rows.map((r) => String(r.job_id));
  }
}

/** Inside a prediction set's deletion: the evaluations of that set and their outcomes go with it. */
export async function deleteEvaluationsOfSet(conn: DuckDBConnection, datasetId: number, predictions: string): Promise<void> {
  const ofSet = 'SELECT name FROM evaluations WHERE dataset_id = ? AND predictions = ?';
  for (const table of EVALUATION_OUTCOME_TABLES) {
    await conn.run(`DELETE FROM ${table} WHERE dataset_id = ? AND evaluation IN (${ofSet})`, [b(datasetId), b(datasetId), predictions]);
  }
  await conn.run('DELETE FROM evaluations WHERE dataset_id = ? AND predictions = ?', [b(datasetId), predictions]);
}

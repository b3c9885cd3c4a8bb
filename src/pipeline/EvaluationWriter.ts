import { AppendTransaction, type InTransaction } from '../db/AppendTransaction.js';
import type { Database } from '../db/Database.js';
import { type EvaluationGroundTruthRowIn, evaluationGroundTruthsTable } from '../db/tables/evaluationGroundTruthsTable.js';
import { type EvaluationImageRowIn, evaluationImagesTable } from '../db/tables/evaluationImagesTable.js';
import { type EvaluationPredictionRowIn, evaluationPredictionsTable } from '../db/tables/evaluationPredictionsTable.js';
import type { TableAppender } from '../db/tables/TableAppender.js';
import type { GroundTruthOutcomeRow, PredictionOutcomeRow } from '../evaluation/evaluationTypes.js';
import type { MatchedImage } from './MatchDispatcher.js';

/** What the reused rows hold before their first fill (never appended): every field of both kinds, ignored. */
const UNFILLED = {
  rowId: 0,
  outcome50: 'ignored',
  matched50: null,
  iou50: null,
  outcome75: 'ignored',
  matched75: null,
  iou75: null,
  confusedWith: null,
  confusedIou: null,
} as const satisfies PredictionOutcomeRow & GroundTruthOutcomeRow;

/** One category's counts at IoU 0.5. */
export interface CategoryCounts {
  gt: number;
  predictions: number;
  tp: number;
  fp: number;
  fn: number;
}

/**
 * The writer of one evaluation's outcome rows: each image's predictions,
 * ground truths and counters appended, as they are matched, inside one
 * transaction that commits with the evaluation's figures and the job's row
 * (or is rolled back whole). It counts each category's outcomes on the way.
 */
export class EvaluationWriter {
  readonly #tx: AppendTransaction;
  readonly #datasetId: number;
  readonly #name: string;
  readonly #predictions: TableAppender<EvaluationPredictionRowIn>;
  readonly #groundTruths: TableAppender<EvaluationGroundTruthRowIn>;
  readonly #images: TableAppender<EvaluationImageRowIn>;
  readonly #predictionRow: EvaluationPredictionRowIn;
  readonly #groundTruthRow: EvaluationGroundTruthRowIn;
  /** By category id. */
  readonly counts = new Map<number, CategoryCounts>();

  private constructor(
    tx: AppendTransaction,
    target: { datasetId: number; name: string },
    appenders: [TableAppender<EvaluationPredictionRowIn>, TableAppender<EvaluationGroundTruthRowIn>, TableAppender<EvaluationImageRowIn>],
  ) {
    this.#tx = tx;
    this.#datasetId = target.datasetId;
    this.#name = target.name;
    this.#predictionRow = { datasetId: target.datasetId, evaluation: target.name, sampleId: 0, categoryId: 0, score: 0, outcome: UNFILLED };
    this.#groundTruthRow = { datasetId: target.datasetId, evaluation: target.name, sampleId: 0, categoryId: 0, outcome: UNFILLED };
    [this.#predictions, this.#groundTruths, this.#images] = appenders;
  }

  /** Opens a connection and a transaction. Call {@link close} in `finally`. */
  static async begin(db: Database, target: { datasetId: number; name: string }): Promise<EvaluationWriter> {
    return AppendTransaction.begin(
      db,
      async (tx) =>
        new EvaluationWriter(tx, target, [
          await tx.appender(evaluationPredictionsTable),
          await tx.appender(evaluationGroundTruthsTable),
          await tx.appender(evaluationImagesTable),
        ]),
    );
  }

  /** Appends one matched image's outcome rows and counts them. */
  add({ rows, result }: MatchedImage): void {
    // One row object per table, refilled for each row: the appender copies its values at once, and a
    // spread per row was a third of this function's time (the main thread is the evaluation's bottleneck).
    const prediction = this.#predictionRow;
    const groundTruth = this.#groundTruthRow;
    prediction.sampleId = groundTruth.sampleId = rows.sampleId;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < result.predictions.length; i++) {
      const outcome = result.predictions[i]!;
      const dt = rowOf(rows.dts, i, outcome.rowId);
      prediction.categoryId = dt.categoryId;
      prediction.score = dt.score;
      prediction.outcome = outcome;
      this.#predictions.append(prediction);
      const counts = this.#of(dt.categoryId);
      counts.predictions++;
      if (outcome.outcome50 === 'tp') {
        counts.tp++;
        tp++;
      } else if (outcome.outcome50 === 'fp') {
        counts.fp++;
        fp++;
      }
    }
    for (let i = 0; i < result.groundTruths.length; i++) {
      const outcome = result.groundTruths[i]!;
      const gt = rowOf(rows.gts, i, outcome.rowId);
      groundTruth.categoryId = gt.categoryId;
      groundTruth.outcome = outcome;
      this.#groundTruths.append(groundTruth);
      if (outcome.outcome50 === 'ignored') continue;
      const counts = this.#of(gt.categoryId);
      counts.gt++;
      if (outcome.outcome50 === 'fn') {
        counts.fn++;
        fn++;
      }
    }
    this.#images.append({ datasetId: this.#datasetId, evaluation: this.#name, sampleId: rows.sampleId, tp, fp, fn });
  }

  #of(categoryId: number): CategoryCounts {
    let counts = this.counts.get(categoryId);
    if (!counts) {
      counts = { gt: 0, predictions: 0, tp: 0, fp: 0, fn: 0 };
      this.counts.set(categoryId, counts);
    }
    return counts;
  }

  /** Runs `inTransaction` (the evaluation's figures, the job's row) and commits. */
  commit(inTransaction: InTransaction): Promise<void> {
    return this.#tx.commit(inTransaction);
  }

  /** Discards every row. Safe to call more than once. */
  rollback(): Promise<void> {
    return this.#tx.rollback();
  }

  /** Rolls back if still open, then releases the connection. Call in `finally`. */
  close(): Promise<void> {
    return this.#tx.close();
  }
}

/**
 * The stored row an outcome is of: outcomes come in their rows' order, so the
 * row at the same index (checked); else found by id. No map per image: the
 * writer runs on the main thread, which is the evaluation's bottleneck.
 */
function rowOf<R extends { rowId: number }>(rows: readonly R[], index: number, rowId: number): R {
  const same = rows[index];
  return same !== undefined && same.rowId === rowId ? same : rows.find((r) => r.rowId === rowId)!;
}

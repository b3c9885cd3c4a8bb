import { AppendTransaction, type InTransaction } from '../db/AppendTransaction.js';
import type { Database } from '../db/Database.js';
import { type EvaluationGroundTruthRowIn, evaluationGroundTruthsTable } from '../db/tables/evaluationGroundTruthsTable.js';
import { type EvaluationImageRowIn, evaluationImagesTable } from '../db/tables/evaluationImagesTable.js';
import { type EvaluationPredictionRowIn, evaluationPredictionsTable } from '../db/tables/evaluationPredictionsTable.js';
import type { TableAppender } from '../db/tables/TableAppender.js';
import type { MatchedImage } from './MatchDispatcher.js';

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
    const base = { datasetId: this.#datasetId, evaluation: this.#name, sampleId: rows.sampleId };
    const image = { tp: 0, fp: 0, fn: 0 };
    for (let i = 0; i < result.predictions.length; i++) {
      const outcome = result.predictions[i]!;
      const dt = rowOf(rows.dts, i, outcome.rowId);
      this.#predictions.append({ ...base, categoryId: dt.categoryId, score: dt.score, outcome });
      const counts = this.#of(dt.categoryId);
      counts.predictions++;
      if (outcome.outcome50 === 'tp') {
        counts.tp++;
        image.tp++;
      } else if (outcome.outcome50 === 'fp') {
        counts.fp++;
        image.fp++;
      }
    }
    for (let i = 0; i < result.groundTruths.length; i++) {
      const outcome = result.groundTruths[i]!;
      const gt = rowOf(rows.gts, i, outcome.rowId);
      this.#groundTruths.append({ ...base, categoryId: gt.categoryId, outcome });
      if (outcome.outcome50 === 'ignored') continue;
      const counts = this.#of(gt.categoryId);
      counts.gt++;
      if (outcome.outcome50 === 'fn') {
        counts.fn++;
        image.fn++;
      }
    }
    this.#images.append({ ...base, ...image });
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

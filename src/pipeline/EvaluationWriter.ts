import { AppendTransaction, type InTransaction } from '../db/AppendTransaction.js';
import type { Database } from '../db/Database.js';
import { type EvaluationOutcomeBatch, IMAGE_COUNTS } from '../db/tables/EvaluationOutcomeBatch.js';
import { evaluationGroundTruthsTable } from '../db/tables/evaluationGroundTruthsTable.js';
import { evaluationImagesTable } from '../db/tables/evaluationImagesTable.js';
import { evaluationPredictionsTable } from '../db/tables/evaluationPredictionsTable.js';
import type { TableAppender } from '../db/tables/TableAppender.js';
import { GROUND_TRUTH, GROUND_TRUTH_OUTCOMES, PREDICTION, PREDICTION_OUTCOMES } from '../evaluation/BatchMatches.js';
import { DT, GT, IMAGE } from '../evaluation/EvaluationBatch.js';
import type { MatchedBatch } from './MatchDispatcher.js';

const TP = PREDICTION_OUTCOMES.indexOf('tp');
const FP = PREDICTION_OUTCOMES.indexOf('fp');
const FN = GROUND_TRUTH_OUTCOMES.indexOf('fn');
const GT_IGNORED = GROUND_TRUTH_OUTCOMES.indexOf('ignored');

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
  readonly #appenders: TableAppender<EvaluationOutcomeBatch>[];
  /** By category id. */
  readonly counts = new Map<number, CategoryCounts>();

  private constructor(tx: AppendTransaction, target: { datasetId: number; name: string }, appenders: TableAppender<EvaluationOutcomeBatch>[]) {
    this.#tx = tx;
    this.#datasetId = target.datasetId;
    this.#name = target.name;
    this.#appenders = appenders;
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

  /** Appends one matched batch's outcome rows, in columns, and counts them. */
  add({ batch, sampleIds, matches }: MatchedBatch): void {
    const images = sampleIds.length;
    const gtSampleIds = new Float64Array(batch.gts.length / GT.stride);
    const dtSampleIds = new Float64Array(batch.dts.length / DT.stride);
    // Outcome i is row i's: the worker answers each row in the order it was sent. Checked, since a slip would write
    // every later outcome against the wrong row.
    if (
      matches.imageIds.length !== images ||
      matches.predictions.length / PREDICTION.stride !== dtSampleIds.length ||
      matches.groundTruths.length / GROUND_TRUTH.stride !== gtSampleIds.length
    ) {
      throw new Error(
        `a batch's matches do not line up with its rows (${images} images, ${dtSampleIds.length} predictions, ${gtSampleIds.length} ground truths)`,
      );
    }
    const imageCounts = new Float64Array(images * IMAGE_COUNTS.stride);
    let g = 0;
    let d = 0;
    for (let i = 0; i < images; i++) {
      const sampleId = sampleIds[i]!;
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const end = d + batch.images[i * IMAGE.stride + IMAGE.dts]!; d < end; d++) {
        dtSampleIds[d] = sampleId;
        const counts = this.#of(batch.dts[d * DT.stride + DT.categoryId]!);
        counts.predictions++;
        const outcome = matches.predictions[d * PREDICTION.stride + PREDICTION.outcome50];
        if (outcome === TP) {
          counts.tp++;
          tp++;
        } else if (outcome === FP) {
          counts.fp++;
          fp++;
        }
      }
      for (const end = g + batch.images[i * IMAGE.stride + IMAGE.gts]!; g < end; g++) {
        gtSampleIds[g] = sampleId;
        const outcome = matches.groundTruths[g * GROUND_TRUTH.stride + GROUND_TRUTH.outcome50];
        if (outcome === GT_IGNORED) continue;
        const counts = this.#of(batch.gts[g * GT.stride + GT.categoryId]!);
        counts.gt++;
        if (outcome === FN) {
          counts.fn++;
          fn++;
        }
      }
      const at = i * IMAGE_COUNTS.stride;
      imageCounts[at + IMAGE_COUNTS.tp] = tp;
      imageCounts[at + IMAGE_COUNTS.fp] = fp;
      imageCounts[at + IMAGE_COUNTS.fn] = fn;
      imageCounts[at + IMAGE_COUNTS.errors] = fp + fn;
    }
    const rows: EvaluationOutcomeBatch = {
      datasetId: this.#datasetId,
      evaluation: this.#name,
      batch,
      matches,
      imageSampleIds: sampleIds,
      gtSampleIds,
      dtSampleIds,
      imageCounts,
    };
    for (const appender of this.#appenders) appender.appendColumns(rows);
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

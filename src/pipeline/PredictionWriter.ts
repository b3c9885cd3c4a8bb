import { AppendTransaction, type InTransaction } from '../db/AppendTransaction.js';
import type { Database } from '../db/Database.js';
import { IngestRepository } from '../db/IngestRepository.js';
import { type PredictionRowIn, predictionsTable } from '../db/tables/predictionsTable.js';
import type { TableAppender } from '../db/tables/TableAppender.js';
import type { WholeFileRule } from '../formats/AnnotationFormat.js';
import type { CocoResult } from '../formats/records.js';
import { applyWholeFileRules, type SkipHandler } from './applyWholeFileRules.js';
import type { IdSequences } from './DatasetWriter.js';
import { SamplesByImage } from './SamplesByImage.js';

/** Where one prediction set is written. */
export interface PredictionTarget {
  datasetId: number;
  jobId: string;
  /** The set's name. */
  name: string;
  /** Label of the results file, in messages. */
  file: string;
}

/**
 * The writer of one prediction set: appends results inside one transaction,
 * each with the dataset's sample of its `image_id`, applies the
 * results format's rules, and commits the set whole (or not at all). The
 * ground truth is only read.
 */
export class PredictionWriter {
  readonly #tx: AppendTransaction;
  readonly #target: PredictionTarget;
  readonly #ids: IdSequences;
  readonly #rows: TableAppender<PredictionRowIn>;
  readonly #samples: SamplesByImage;
  #onSkip: SkipHandler | null = null;
  #count = 0;

  private constructor(tx: AppendTransaction, target: PredictionTarget, ids: IdSequences, rows: TableAppender<PredictionRowIn>, samples: SamplesByImage) {
    this.#tx = tx;
    this.#target = target;
    this.#ids = ids;
    this.#rows = rows;
    this.#samples = samples;
  }

  /**
   * Opens a connection and a transaction, and reads the dataset's samples by
   * image id in it (16 bytes an image, held until {@link close}). Call
   * {@link close} in `finally`.
   */
  static async begin(db: Database, target: PredictionTarget, ids: IdSequences): Promise<PredictionWriter> {
    return AppendTransaction.begin(
      db,
      async (tx) => {
        // Read in the set's transaction: the samples its results resolve to are those of the snapshot it commits on.
        const samples = new SamplesByImage(await new IngestRepository(tx.conn).samplesByImage(target.datasetId));
        return new PredictionWriter(tx, target, ids, await tx.appender(predictionsTable), samples);
      },
      { deferFlushes: true },
    );
  }

  /** Skips results that break a rule instead of failing; each goes to `onSkip`. */
  skipInvalid(onSkip: SkipHandler): void {
    this.#onSkip = onSkip;
  }

  get count(): number {
    return this.#count;
  }

  add(record: CocoResult, index: number): void {
    const t = this.#target;
    const sampleId = this.#samples.sampleOf(record.image_id);
    this.#rows.append({ id: this.#ids.predictions.next(), datasetId: t.datasetId, jobId: t.jobId, setName: t.name, sampleId, recordIndex: index, record });
    this.#count++;
  }

  /** Flushes a row group's worth of results on a turn of the event loop of its own; call between batches. */
  flushDue(): Promise<void> {
    return this.#tx.flushDue();
  }

  /** Applies `rules` (a result whose image the dataset lacks has no sample); call before {@link commit} to read the final count. */
  async check(rules: readonly WholeFileRule[]): Promise<void> {
    await this.#tx.flush();
    const t = this.#target;
    const repository = new IngestRepository(this.#tx.conn);
    const known = new Set(await repository.categoryIds(t.datasetId));
    const removed = await applyWholeFileRules(repository, t.jobId, rules, { file: t.file, knownCategories: known, fileCategories: 0 }, this.#onSkip);
    this.#count -= removed.predictions ?? 0;
  }

  /** Marks the set `ready` with its count, fills the counter tables of prediction sets, runs `inTransaction` (the job's rows) and commits. */
  async commit(inTransaction: InTransaction): Promise<void> {
    await this.#tx.commit(async (conn) => {
      const repository = new IngestRepository(conn);
      await repository.markPredictionSetReady(this.#target.jobId, this.#count);
      await repository.fillCounters('predictions', this.#target.jobId);
      await inTransaction(conn);
    });
  }

  /** Discards the set. Safe to call more than once. */
  rollback(): Promise<void> {
    return this.#tx.rollback();
  }

  /** Rolls back if still open, then releases the connection. Call in `finally`. */
  close(): Promise<void> {
    return this.#tx.close();
  }
}

import { AppendTransaction } from './AppendTransaction.js';
import type { Database } from './Database.js';
import { IngestRepository } from './IngestRepository.js';
import { type ImageFailureRowIn, imageFailuresTable } from './tables/imageFailuresTable.js';
import { type SampleHashRowIn, sampleHashesTable } from './tables/sampleHashesTable.js';
import type { TableAppender } from './tables/TableAppender.js';

/** The hash job a {@link HashWriter} writes for. */
export interface HashTarget {
  datasetId: number;
  jobId: string;
}

/** An image the hash job could not read or decode, as its worker said. */
export interface HashFailure {
  code: string;
  message: string;
}

/**
 * The hash job's writes: its images' hashes and image failures appended in one
 * transaction, the hashes moved into `samples`, and all of it committed
 * together with the job's row, or rolled back whole (a cancelled job leaves no
 * half-hashed dataset, and no failure recorded by a job that did not complete).
 */
export class HashWriter {
  readonly #tx: AppendTransaction;
  readonly #target: HashTarget;
  readonly #hashes: TableAppender<SampleHashRowIn>;
  readonly #failures: TableAppender<ImageFailureRowIn>;

  private constructor(
    tx: AppendTransaction,
    target: HashTarget,
    appenders: { hashes: TableAppender<SampleHashRowIn>; failures: TableAppender<ImageFailureRowIn> },
  ) {
    this.#tx = tx;
    this.#target = target;
    this.#hashes = appenders.hashes;
    this.#failures = appenders.failures;
  }

  /** Opens the job's transaction. Call {@link close} in `finally`. */
  static begin(db: Database, target: HashTarget): Promise<HashWriter> {
    return AppendTransaction.begin(
      db,
      async (tx) => new HashWriter(tx, target, { hashes: await tx.appender(sampleHashesTable), failures: await tx.appender(imageFailuresTable) }),
    );
  }

  /** Keeps an image's hashes; they reach its sample row at {@link commit}. */
  add(sampleId: number, hashes: { content: string; perceptual: string }): void {
    this.#hashes.append({ sampleId, jobId: this.#target.jobId, ...hashes });
  }

  /** Records that a sample's image failed, in `image_failures` as an ingest records its own (the samples' reads show it). */
  addFailure(sampleId: number, failure: HashFailure): void {
    this.#failures.append({ sampleId, datasetId: this.#target.datasetId, jobId: this.#target.jobId, code: failure.code, message: failure.message });
  }

  /**
   * Leaves each sample one failure row at most, moves the hashes into the
   * samples, runs `inTransaction` (the job's rows) and commits.
   */
  async commit(inTransaction: Parameters<AppendTransaction['commit']>[0]): Promise<void> {
    await this.#tx.flush();
    const repository = new IngestRepository(this.#tx.conn);
    // Before the hashes move: which samples this job read is told by its staged hashes.
    await repository.settleHashJobFailures(this.#target.jobId, this.#target.datasetId);
    await repository.moveHashesToSamples(this.#target.jobId);
    await this.#tx.commit(inTransaction);
  }

  /** Rolls back if still open, then releases the connection. Call in `finally`. */
  close(): Promise<void> {
    return this.#tx.close();
  }
}

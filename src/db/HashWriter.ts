import { AppendTransaction } from './AppendTransaction.js';
import type { Database } from './Database.js';
import { IngestRepository } from './IngestRepository.js';
import { type SampleHashRowIn, sampleHashesTable } from './tables/sampleHashesTable.js';
import type { TableAppender } from './tables/TableAppender.js';

/**
 * The hash job's writes: its images' hashes appended in one transaction,
 * moved into `samples` and committed together with the job's row, or
 * rolled back whole (a cancelled job leaves no half-hashed dataset).
 */
export class HashWriter {
  readonly #tx: AppendTransaction;
  readonly #jobId: string;
  readonly #hashes: TableAppender<SampleHashRowIn>;

  private constructor(tx: AppendTransaction, jobId: string, hashes: TableAppender<SampleHashRowIn>) {
    this.#tx = tx;
    this.#jobId = jobId;
    this.#hashes = hashes;
  }

  /** Opens the job's transaction. Call {@link close} in `finally`. */
  static begin(db: Database, jobId: string): Promise<HashWriter> {
    return AppendTransaction.begin(db, async (tx) => new HashWriter(tx, jobId, await tx.appender(sampleHashesTable)));
  }

  add(sampleId: number, hashes: { content: string; perceptual: string }): void {
    this.#hashes.append({ sampleId, jobId: this.#jobId, ...hashes });
  }

  /** Moves the hashes into the samples, runs `inTransaction` (the job's rows) and commits. */
  async commit(inTransaction: Parameters<AppendTransaction['commit']>[0]): Promise<void> {
    this.#tx.flush();
    await new IngestRepository(this.#tx.conn).moveHashesToSamples(this.#jobId);
    await this.#tx.commit(inTransaction);
  }

  close(): Promise<void> {
    return this.#tx.close();
  }
}

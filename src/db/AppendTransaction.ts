import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database, InTransaction } from './Database.js';
import { recoveringError } from './databaseErrors.js';
import { TableAppender } from './tables/TableAppender.js';
import type { AppendedTable } from './tables/TableMapping.js';

export type { InTransaction } from './Database.js';

/** Options of {@link AppendTransaction.begin}. */
export interface AppendTransactionOptions {
  /**
   * Flush a row group's worth of rows only when {@link AppendTransaction.flushDue}
   * is called (between batches), not inside the append that fills it; default false.
   */
  deferFlushes?: boolean;
}

/**
 * One ingest's transaction: a connection of its own, the appenders of the
 * tables it fills, and the commit or rollback of everything they appended.
 * The writers build on it; it knows nothing of what they write.
 */
export class AppendTransaction {
  readonly conn: DuckDBConnection;
  readonly #db: Database;
  readonly #appenders: TableAppender<never>[] = [];
  readonly #deferFlushes: boolean;
  #open = true;

  private constructor(db: Database, conn: DuckDBConnection, options: AppendTransactionOptions) {
    this.#db = db;
    this.conn = conn;
    this.#deferFlushes = options.deferFlushes ?? false;
  }

  /**
   * Opens a connection and a transaction, and `prepare`s it (its appenders);
   * if that fails, nothing is left open. Call {@link close} in `finally`.
   */
  static async begin<T>(db: Database, prepare: (tx: AppendTransaction) => Promise<T>, options: AppendTransactionOptions = {}): Promise<T> {
    const tx = new AppendTransaction(db, await db.connect(), options);
    try {
      await tx.conn.run('BEGIN TRANSACTION');
      return await prepare(tx);
    } catch (err) {
      await tx.close();
      throw err;
    }
  }

  /**
   * An appender into `mapping`'s table, flushed, closed or discarded with the
   * transaction; with {@link AppendTransactionOptions.deferFlushes}, its flushes
   * wait for {@link flushDue}.
   */
  async appender<In>(mapping: AppendedTable<In>): Promise<TableAppender<In>> {
    const appender = await TableAppender.open(this.conn, mapping);
    if (this.#deferFlushes) appender.deferFlushes();
    this.#appenders.push(appender as TableAppender<never>);
    return appender;
  }

  /**
   * Flushes each appender that holds a row group's worth of rows, each on a
   * turn of the event loop of its own, so that no slice of the main thread holds
   * more than one DuckDB row-group write. Call it between batches, with no
   * other statement running on the connection. Rows that workers' callbacks
   * append (hashes, image failures, panoptic segments) are flushed by the
   * next batch's call; after the last batch only the tasks in flight add any,
   * far fewer than a row group, and {@link flush} takes them.
   */
  async flushDue(): Promise<void> {
    for (const appender of this.#appenders) {
      if (!appender.due) continue;
      await nextTurn();
      // Checked again: another flushDue may have flushed it during the turn.
      appender.flushIfDue();
    }
  }

  /** Moves every appender's buffered rows into the transaction (still uncommitted), each table on a turn of its own. */
  async flush(): Promise<void> {
    for (const appender of this.#appenders) {
      if (!appender.pending) continue;
      await nextTurn();
      appender.flush();
    }
  }

  /** Closes the appenders, runs `inTransaction` and commits. */
  async commit(inTransaction: InTransaction): Promise<void> {
    await this.flush();
    for (const appender of this.#appenders) appender.close();
    try {
      await inTransaction(this.conn);
      // Nothing to roll back once the COMMIT is sent: a failed one (out of memory, say) has ended the transaction, and a
      // ROLLBACK threw "no transaction is active", hiding the COMMIT's own error. Closing the connection ends whatever is left.
      this.#open = false;
      await this.conn.run('COMMIT');
    } catch (err) {
      if (await this.#db.recover(err)) throw recoveringError(err);
      throw err;
    }
    await this.#db.afterCommit();
  }

  /** Discards everything appended. Safe to call more than once. */
  async rollback(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    for (const appender of this.#appenders) appender.discard();
    await this.conn.run('ROLLBACK');
  }

  /** Rolls back if still open, then releases the connection. Call in `finally`. */
  async close(): Promise<void> {
    try {
      await this.rollback();
    } finally {
      this.conn.closeSync();
    }
  }
}

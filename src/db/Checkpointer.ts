import { stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isInvalidated } from './databaseErrors.js';

/** Options of {@link Checkpointer}. */
export interface CheckpointerOptions {
  /** The attached database file; its write-ahead log is `<file>.wal`. */
  file: string;
  /** Attaches the file again on a connection and makes it that connection's default (`ATTACH …; USE …`). */
  attach: (conn: DuckDBConnection) => Promise<void>;
  /** A new connection to the instance: a repair runs on one, since a connection whose default is the invalidated database refuses even `USE`. */
  connect: () => Promise<DuckDBConnection>;
  /** The catalog the file is attached as. */
  catalog: string;
  /** The instance's `memory_limit`, restored after a checkpoint that needed more. */
  memoryLimit: string;
  /** Write-ahead-log bytes past which a commit is followed by a checkpoint. Default 16 MiB, DuckDB's own `checkpoint_threshold`. */
  walBytes?: number;
  /** The `memory_limit` a checkpoint that failed under `memoryLimit` is tried again with. Default `2GB`. */
  recoveryMemoryLimit?: string;
  /** Told when a checkpoint fails and what was done about it. Default: nothing. */
  onTrouble?: (message: string, err: unknown) => void;
}

/** Defaults of {@link CheckpointerOptions}. */
export const CHECKPOINTER_DEFAULTS = { walBytes: 16 * 1024 * 1024, recoveryMemoryLimit: '2GB' } as const;

/**
 * Checkpoints the database after commits, in place of DuckDB's automatic
 * checkpoint, and brings the database back when a checkpoint fails.
 *
 * Why: DuckDB checkpoints inside the COMMIT that takes its write-ahead log
 * past `checkpoint_threshold`, and a checkpoint that cannot get the memory it
 * needs (a few records with strings of ten megabytes each, under the
 * service's 128 MB `memory_limit`) invalidates the database: every statement
 * after it failed, and the service answered 500 to every request until it was
 * restarted. The commit itself is durable by then. So the service turns the
 * automatic checkpoint off (`checkpoint_threshold` in `Database.open`) and
 * checkpoints here, after the commit has returned; when a checkpoint fails, it
 * detaches and attaches the file again (what DuckDB's message asks for:
 * nothing committed is lost, the log is replayed) and checkpoints once more
 * with a larger `memory_limit`, then restores the configured one.
 * Checkpoints and repairs run one at a time, on the connection given.
 */
export class Checkpointer {
  readonly #control: DuckDBConnection;
  readonly #options: CheckpointerOptions;
  #queue: Promise<void> = Promise.resolve();

  constructor(control: DuckDBConnection, options: CheckpointerOptions) {
    this.#control = control;
    this.#options = options;
  }

  /** After a commit: checkpoints when the write-ahead log has grown past `walBytes`. Never rejects. */
  afterCommit(): Promise<void> {
    return this.#serially(async () => {
      if ((await walSize(this.#options.file)) < (this.#options.walBytes ?? CHECKPOINTER_DEFAULTS.walBytes)) return;
      await this.#checkpoint();
    });
  }

  /** Checkpoints now, whatever the log's size (on close). Never rejects. */
  checkpoint(): Promise<void> {
    return this.#serially(() => this.#checkpoint());
  }

  /**
   * When `err` says the database was invalidated, attaches it again (once,
   * however many callers saw the error). Never rejects.
   * @returns whether `err` was such an error
   */
  async recover(err: unknown): Promise<boolean> {
    if (!isInvalidated(err)) return false;
    await this.#serially(async () => {
      if (await this.#healthy()) return;
      await this.#repair(err);
    });
    return true;
  }

  async #checkpoint(): Promise<void> {
    try {
      await this.#control.run('CHECKPOINT');
    } catch (err) {
      if (!isInvalidated(err)) {
        // Another job's transaction in the way (DuckDB checkpoints only when no other writes are open), or the disk:
        // the log keeps everything, and the next commit tries again. The first is routine, not trouble.
        if (!/other write transactions/i.test(err instanceof Error ? err.message : String(err))) {
          this.#options.onTrouble?.('a checkpoint failed; the write-ahead log keeps every commit', err);
        }
        return;
      }
      await this.#repair(err);
    }
  }

  /** Attaches the file again and checkpoints it under the larger memory limit, on a connection of its own. */
  async #repair(cause: unknown): Promise<void> {
    const { onTrouble, memoryLimit, catalog } = this.#options;
    const larger = this.#options.recoveryMemoryLimit ?? CHECKPOINTER_DEFAULTS.recoveryMemoryLimit;
    let conn: DuckDBConnection | null = null;
    try {
      conn = await this.#options.connect();
      await this.#reattach(conn);
      try {
        await conn.run(`SET memory_limit = '${larger}'`);
        await conn.run('CHECKPOINT');
        onTrouble?.(`a checkpoint failed and invalidated the database; it was attached again and checkpointed with memory_limit ${larger}`, cause);
      } catch (err) {
        // That checkpoint invalidated it once more: attach it again, so that it answers; its log keeps every commit.
        await this.#reattach(conn);
        onTrouble?.(`a checkpoint failed again with memory_limit ${larger}; the database was attached again, its log keeps every commit`, err);
      }
    } catch (err) {
      onTrouble?.('the database was invalidated and could not be attached again; restart the service', err);
    } finally {
      await conn?.run(`SET memory_limit = '${memoryLimit}'`).catch(() => undefined);
      conn?.closeSync();
      // The control connection's default was the detached catalog: the same name now stands for the file attached again.
      await this.#control.run(`USE ${catalog}`).catch(() => undefined);
    }
  }

  async #reattach(conn: DuckDBConnection): Promise<void> {
    await conn.run('USE memory');
    await conn.run(`DETACH ${this.#options.catalog}`);
    await this.#options.attach(conn);
  }

  async #healthy(): Promise<boolean> {
    try {
      await this.#control.run(`SELECT 1 FROM ${this.#options.catalog}.meta LIMIT 1`);
      return true;
    } catch {
      return false;
    }
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(work).catch((err: unknown) => this.#options.onTrouble?.('a checkpoint step failed', err));
    this.#queue = next;
    return next;
  }
}

async function walSize(file: string): Promise<number> {
  try {
    return (await stat(`${file}.wal`)).size;
  } catch {
    return 0;
  }
}

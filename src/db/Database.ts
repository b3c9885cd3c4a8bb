import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBMaterializedResult, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { Checkpointer } from './Checkpointer.js';
import { COUNTER_TABLES } from './counters/counterTables.js';
import { recoveringError } from './databaseErrors.js';
import { type NumericRows, readNumericRows } from './NumericRows.js';
import { MAPPED_TABLES, MIGRATIONS, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { checkColumns } from './tables/TableMapping.js';
import { type Row, toPlainRows } from './toPlainRows.js';

/** Options of {@link Database.open}. */
export interface DatabaseOptions {
  /** The DuckDB file. `:memory:` is accepted for experiments, never used by the service. */
  file: string;
  /** DuckDB `memory_limit`; default `128MB` (the service's own default, `DUCKDB_MEMORY_LIMIT` in `config.ts`). */
  memoryLimit?: string;
  /**
   * DuckDB `block_allocator_memory`: block memory kept resident once used, so new
   * blocks reuse pages instead of faulting fresh ones in; default `32MB`
   * (`DUCKDB_BLOCK_MEMORY` in `config.ts`, where the measurements are).
   */
  blockMemory?: string;
  /** DuckDB `threads`; default DuckDB's own (the machine's cores). */
  threads?: number;
  /** Read connections kept open for API queries; default 4. */
  readConnections?: number;
  /** Told when a checkpoint fails and what was done about it ({@link Checkpointer}). Default: nothing. */
  onCheckpointTrouble?: (message: string, err: unknown) => void;
}

/** Parameters bound to `?` placeholders, in order. */
export type Params = DuckDBValue[];

/** Runs inside a transaction just before it commits (a job's own rows). */
export type InTransaction = (conn: DuckDBConnection) => Promise<void>;

/**
 * The embedded DuckDB database. One instance per process: the main thread writes
 * through {@link Database.write} and through the per-job connections handed out by
 * {@link Database.connect}; API reads go through a small pool of read connections,
 * so they never queue behind an ingest's appends.
 */
export class Database {
  readonly file: string;
  readonly #instance: DuckDBInstance;
  readonly #control: DuckDBConnection;
  readonly #readers: DuckDBConnection[];
  readonly #checkpointer: Checkpointer;
  #nextReader = 0;
  #closed = false;

  private constructor(file: string, instance: DuckDBInstance, control: DuckDBConnection, readers: DuckDBConnection[], checkpointer: Checkpointer) {
    this.file = file;
    this.#instance = instance;
    this.#control = control;
    this.#readers = readers;
    this.#checkpointer = checkpointer;
  }

  /**
   * Opens (creating if needed) the database file and its schema.
   * @throws AppError `DATABASE_LOCKED` when another process holds the file.
   */
  static async open(options: DatabaseOptions): Promise<Database> {
    const file = options.file;
    if (file !== ':memory:') await mkdir(path.dirname(file), { recursive: true });
    const memoryLimit = options.memoryLimit ?? '128MB';
    // No automatic checkpoint inside a COMMIT: the Checkpointer runs it after the commit and repairs what a failed one breaks.
    const config: Record<string, string> = {
      memory_limit: memoryLimit,
      checkpoint_threshold: '1TB',
      write_buffer_row_group_count: String(WRITE_BUFFER_ROW_GROUPS),
      block_allocator_memory: options.blockMemory ?? '32MB',
    };
    if (options.threads !== undefined) config.threads = String(options.threads);
    // Where queries larger than memory_limit spill. An instance opened on a file
    // gets `<file>.tmp` by default; ours is in memory with the file attached, so it is said here.
    if (file !== ':memory:') config.temp_directory = `${file}.tmp`;
    // An in-memory instance with the file attached: ATTACH is where DuckDB takes
    // the row group size (see ROW_GROUP_ROWS).
    const instance = await DuckDBInstance.create(':memory:', config);
    const control = await instance.connect();
    try {
      await attach(control, file);
    } catch (err) {
      control.closeSync();
      instance.closeSync();
      const message = err instanceof Error ? err.message : String(err);
      if (/lock/i.test(message)) {
        throw new AppError(
          'DATABASE_LOCKED',
          `the database ${file} is in use by another process (DuckDB allows one writer per file): ` +
            `stop the other coco-ingest or set DATA_DIR to another directory (${message})`,
          { cause: err },
        );
      }
      throw new AppError('DATABASE_OPEN_FAILED', `cannot open the database ${file}: ${message}`, { cause: err });
    }
    await control.run(SCHEMA_SQL);
    const version = toPlainRows(await control.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`));
    if (version.length === 0) {
      await control.run(`INSERT INTO meta VALUES ('schema_version', ?)`, [String(SCHEMA_VERSION)]);
    } else {
      let found = Number(version[0]!.value);
      if (!(found <= SCHEMA_VERSION) || (found < SCHEMA_VERSION && MIGRATIONS[found] === undefined)) {
        throw new AppError(
          'DATABASE_SCHEMA_MISMATCH',
          `the database ${file} has schema version ${String(version[0]!.value)}, this build expects ${SCHEMA_VERSION}`,
        );
      }
      for (; found < SCHEMA_VERSION; found++) {
        await control.run(`BEGIN TRANSACTION; ${MIGRATIONS[found]!} UPDATE meta SET value = '${found + 1}' WHERE key = 'schema_version'; COMMIT;`);
      }
    }
    // Counter tables too: they are filled by a positional INSERT … SELECT, which a column out of place would misfill silently.
    for (const mapping of [...MAPPED_TABLES, ...COUNTER_TABLES]) {
      const columns = toPlainRows(
        await control.runAndReadAll(
          `SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' AND database_name = '${CATALOG}' ORDER BY column_index`,
          [mapping.table],
        ),
      );
      checkColumns(
        mapping,
        columns.map((c) => String(c.column_name)),
      );
    }
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < (options.readConnections ?? 4); i++) readers.push(await connectTo(instance));
    const checkpointer = new Checkpointer(control, {
      file,
      catalog: CATALOG,
      attach: (conn) => attach(conn, file),
      connect: () => instance.connect(),
      memoryLimit,
      ...(options.onCheckpointTrouble ? { onTrouble: options.onCheckpointTrouble } : {}),
    });
    return new Database(file, instance, control, readers, checkpointer);
  }

  /** Runs a read-only query on a read connection and returns plain rows (BIGINTs as numbers). */
  async query<T extends Row = Row>(sql: string, params: Params = []): Promise<T[]> {
    return this.#withRepair(async () => toPlainRows(await runMaterialized(this.#reader(), sql, params)) as T[]);
  }

  /**
   * Runs a read-only query whose leading columns are DOUBLE and the rest
   * VARCHAR, on a read connection, and returns them as {@link NumericRows}.
   */
  async queryNumeric(sql: string, params: Params = []): Promise<NumericRows> {
    return this.#withRepair(async () => readNumericRows(await runMaterialized(this.#reader(), sql, params)));
  }

  /**
   * Runs a statement; when it failed because the database was out of use
   * (invalidated, or being attached again), waits for the repair and runs it
   * once more: such a statement did nothing. Reads and single auto-committed
   * writes only, never a transaction's work.
   * @throws AppError `DATABASE_RECOVERING` when it fails so again
   */
  async #withRepair<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!(await this.#checkpointer.recover(err))) throw err;
    }
    try {
      return await run();
    } catch (err) {
      if (await this.#checkpointer.recover(err)) throw recoveringError(err);
      throw err;
    }
  }

  /** The next read connection, in turn. */
  #reader(): DuckDBConnection {
    this.#assertOpen();
    return this.#readers[this.#nextReader++ % this.#readers.length]!;
  }

  /** Runs one auto-committed write statement on the control connection. */
  async write(sql: string, params: Params = []): Promise<void> {
    this.#assertOpen();
    await this.#withRepair(() => this.#control.run(sql, params));
    await this.#checkpointer.afterCommit();
  }

  /** Reads on the control connection: used where a read must see the control connection's own writes. */
  async queryOnWriter<T extends Row = Row>(sql: string, params: Params = []): Promise<T[]> {
    this.#assertOpen();
    return this.#withRepair(async () => toPlainRows(await runMaterialized(this.#control, sql, params)) as T[]);
  }

  /**
   * Runs `work` in a transaction on a connection of its own (the control
   * connection is shared by concurrent callers, whose statements would
   * otherwise land inside it): committed when `work` resolves, rolled back when it throws.
   */
  async transaction<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      await conn.run('BEGIN TRANSACTION');
      const result = await work(conn);
      await conn.run('COMMIT');
      await this.#checkpointer.afterCommit();
      return result;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      if (await this.#checkpointer.recover(err)) throw recoveringError(err);
      throw err;
    } finally {
      conn.closeSync();
    }
  }

  /** After a transaction of {@link connect}'s connection committed: checkpoints when the write-ahead log has grown ({@link Checkpointer}). */
  afterCommit(): Promise<void> {
    return this.#checkpointer.afterCommit();
  }

  /** When `err` says the database was out of use, waits until it is attached again, so that the next statements work; resolves whether it was such an error. */
  recover(err: unknown): Promise<boolean> {
    return this.#checkpointer.recover(err);
  }

  /** A new connection for one ingest's transaction; the caller closes it. */
  async connect(): Promise<DuckDBConnection> {
    this.#assertOpen();
    return connectTo(this.#instance);
  }

  /** Checkpoints and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A checkpoint can fail while another connection is mid-transaction; the WAL still has everything.
    await this.#checkpointer.checkpoint();
    for (const reader of this.#readers) reader.closeSync();
    this.#control.closeSync();
    this.#instance.closeSync();
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('SHUTTING_DOWN', 'the service is shutting down');
  }
}

/** The attached database's name in the instance. */
const CATALOG = 'coco';

/**
 * Rows per row group: the appender's flush (16,384 rows), so each flush fills one
 * (a deferred flush's backstop, four; see TableAppender); DuckDB's default is 122,880. An ingest appends
 * inside one transaction, and DuckDB compresses and writes each full row group
 * inside the appender's synchronous flush, on the main thread: at 30,720 rows a
 * `samples` group held the event loop about 75 ms, at the default about 250.
 */
const ROW_GROUP_ROWS = 16_384;

/**
 * Full row groups DuckDB gathers before writing them (`write_buffer_row_group_count`,
 * its default 5; it also writes once they pass `memory_limit` / 5 / (threads + 1),
 * 8 MiB at 128 MB). Gathered groups are written together in one appender flush:
 * two or three `samples` groups at once held the event loop 105-190 ms during a
 * 1M-image ingest. One at a time, the longest flush measured 77 ms.
 */
const WRITE_BUFFER_ROW_GROUPS = 1;

/** Attaches the file (or a fresh in-memory database for `:memory:`) as {@link CATALOG} and makes it the connection's default. */
async function attach(conn: DuckDBConnection, file: string): Promise<void> {
  if (file !== ':memory:') await conn.run(`ATTACH '${file.replaceAll("'", "''")}' AS ${CATALOG} (ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`);
  else await conn.run(`ATTACH ':memory:' AS ${CATALOG}`);
  await conn.run(`USE ${CATALOG}`);
}

/** A connection whose default database is the attached file. */
async function connectTo(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  await conn.run(`USE ${CATALOG}`);
  return conn;
}

/**
 * Runs SQL and returns its materialized result, whose chunks are then read
 * synchronously. Each await is a turn of the event loop, and during a large
 * ingest every turn can wait behind an appender flush: node-api's `run` with
 * parameters takes three (extract the statements, prepare, run), and
 * `runAndReadAll` a fetch per chunk and one more on top; this takes two
 * (prepare, run), one without parameters. DuckDB prepares one statement at a
 * time, so SQL of several with parameters (a plugin's, say) takes `run`'s way.
 */
async function runMaterialized(conn: DuckDBConnection, sql: string, params: Params): Promise<DuckDBMaterializedResult> {
  if (params.length === 0) return conn.run(sql);
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await conn.prepare(sql);
  } catch (err) {
    if (err instanceof Error && /multiple statements/i.test(err.message)) return conn.run(sql, params);
    throw err;
  }
  try {
    prepared.bind(params);
    return await prepared.run();
  } finally {
    prepared.destroySync();
  }
}

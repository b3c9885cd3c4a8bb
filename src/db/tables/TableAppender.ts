import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { TableMapping } from './TableMapping.js';

/**
 * Rows an appender holds before it moves them into the transaction's storage.
 * DuckDB's own threshold is 100 data chunks (204,800 rows, ~70 MB of annotations
 * with polygons); flushing every 8 chunks measured the same speed with a peak
 * RSS about 60 MB lower on a 100K-image ingest.
 */
const APPENDER_FLUSH_ROWS = 8 * 2048;

/** Rows of one data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/**
 * Appends rows of one mapped table through DuckDB's Appender, a data chunk
 * (2,048 rows) at a time, flushing into the open transaction every
 * {@link APPENDER_FLUSH_ROWS} rows. Rows are buffered column by column and
 * each chunk filled with `setColumns`: a third less time than buffering row
 * arrays (DuckDBDataChunkWriter copies each row, then transposes them), and
 * no per-row garbage.
 */
export class TableAppender<In> {
  readonly #mapping: TableMapping<In>;
  readonly #appender: DuckDBAppender;
  readonly #types: DuckDBType[];
  #columns: DuckDBValue[][];
  #rows = 0;
  #buffered = 0;
  #closed = false;

  private constructor(mapping: TableMapping<In>, appender: DuckDBAppender) {
    this.#mapping = mapping;
    this.#appender = appender;
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    if (types.length !== mapping.columns.length) {
      throw new Error(`table ${mapping.table} has ${types.length} columns, its mapping ${mapping.columns.length}`);
    }
    this.#types = types;
    this.#columns = types.map(() => []);
  }

  /** Moves the buffered rows into a data chunk, appended; into the transaction every {@link APPENDER_FLUSH_ROWS} rows. */
  #emit(): void {
    if (this.#rows === 0) return;
    const columns = this.#columns;
    this.#columns = this.#types.map(() => []);
    this.#rows = 0;
    const chunk = DuckDBDataChunk.create(this.#types);
    chunk.setColumns(columns);
    this.#appender.appendDataChunk(chunk);
    this.#buffered += chunk.rowCount;
    if (this.#buffered >= APPENDER_FLUSH_ROWS) {
      this.#appender.flushSync();
      this.#buffered = 0;
    }
  }

  /** An appender into `mapping`'s table on `conn` (inside its transaction, if one is open). */
  static async open<In>(conn: DuckDBConnection, mapping: TableMapping<In>): Promise<TableAppender<In>> {
    return new TableAppender(mapping, await conn.createAppender(mapping.table));
  }

  append(row: In): void {
    const values = this.#mapping.values(row);
    const columns = this.#columns;
    for (let c = 0; c < columns.length; c++) columns[c]!.push(values[c] as DuckDBValue);
    if (++this.#rows >= CHUNK_ROWS) this.#emit();
  }

  /** Moves every buffered row into the transaction (still uncommitted). */
  flush(): void {
    if (this.#closed) return;
    this.#emit();
    this.#appender.flushSync();
    this.#buffered = 0;
  }

  /** Flushes and closes. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#appender.closeSync();
  }

  /** Closes without flushing what a rollback discards anyway. Idempotent. */
  discard(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#appender.closeSync();
    } catch {
      // The rows are discarded by the rollback either way.
    }
  }
}

import { type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk, DuckDBDataChunkWriter, type DuckDBType } from '@duckdb/node-api';
import { ColumnarChunk } from './ColumnarChunk.js';
import type { AppendedTable } from './TableMapping.js';

/**
 * Rows an appender holds before it moves them into the transaction's storage.
 * DuckDB's own threshold is 100 data chunks (204,800 rows, ~70 MB of annotations
 * with polygons); flushing every 8 chunks measured the same speed with a peak
 * RSS about 60 MB lower on a 100K-image ingest.
 */
const APPENDER_FLUSH_ROWS = 8 * 2048;

/**
 * With flushes deferred ({@link TableAppender.deferFlushes}), the rows at which
 * an append flushes anyway, for a caller that has not yet called
 * {@link TableAppender.flushIfDue}: memory stays bounded whatever the caller does.
 * The writers call it after every batch (128 KiB of the file), so an ingest
 * does not come near it; a flush here writes four row groups in one slice.
 */
const DEFERRED_FLUSH_BACKSTOP_ROWS = 4 * APPENDER_FLUSH_ROWS;

/**
 * Appends rows of one mapped table through DuckDB's Appender, a data chunk
 * (2,048 rows) at a time, flushing into the open transaction every
 * {@link APPENDER_FLUSH_ROWS} rows, inside the append that reaches them or,
 * deferred, when its owner calls {@link TableAppender.flushIfDue}: row by row
 * through a {@link TableMapping} or a {@link GatheredTableMapping}, or a batch
 * in columns through a {@link ColumnarTableMapping}.
 */
export class TableAppender<In> {
  readonly #mapping: AppendedTable<In>;
  readonly #appender: DuckDBAppender;
  readonly #types: DuckDBType[];
  readonly #chunks: DuckDBDataChunkWriter;
  /** Where {@link appendColumns} and a gathered {@link append} put the next data chunk's rows: one for the appender's life, emptied after each chunk. */
  #gathering: ColumnarChunk | null = null;
  #buffered = 0;
  /** Rows appended since the last flush, those still in the chunk writer or the gathering chunk included. */
  #unflushed = 0;
  #flushAt = APPENDER_FLUSH_ROWS;
  #closed = false;

  private constructor(mapping: AppendedTable<In>, appender: DuckDBAppender) {
    this.#mapping = mapping;
    this.#appender = appender;
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    if (types.length !== mapping.columns.length) {
      throw new Error(`table ${mapping.table} has ${types.length} columns, its mapping ${mapping.columns.length}`);
    }
    this.#types = types;
    this.#chunks = new DuckDBDataChunkWriter(types, (chunk) => this.#appendChunk(chunk));
  }

  /** An appender into `mapping`'s table on `conn` (inside its transaction, if one is open). */
  static async open<In>(conn: DuckDBConnection, mapping: AppendedTable<In>): Promise<TableAppender<In>> {
    return new TableAppender(mapping, await conn.createAppender(mapping.table));
  }

  /**
   * Leaves the flush a full row group's worth of rows calls for to
   * {@link flushIfDue} instead of the append that fills it. A flush holds the
   * main thread while DuckDB writes a row group, tens of milliseconds: on its
   * own turn of the event loop, it does not add to the parsing before it, or to
   * another table's flush, in one slice.
   */
  deferFlushes(): void {
    this.#flushAt = DEFERRED_FLUSH_BACKSTOP_ROWS;
  }

  /** True when a row group's worth of rows waits to be flushed. */
  get due(): boolean {
    return this.#buffered >= APPENDER_FLUSH_ROWS;
  }

  /** True when rows wait to be flushed. */
  get pending(): boolean {
    return !this.#closed && this.#unflushed > 0;
  }

  /** Flushes if {@link due}. */
  flushIfDue(): void {
    if (this.#closed || !this.due) return;
    this.#flushBuffered();
  }

  /** Appends one row (a {@link TableMapping}'s or a {@link GatheredTableMapping}'s table). */
  append(row: In): void {
    const mapping = this.#mapping;
    if ('sources' in mapping) throw new TypeError(`table ${mapping.table} is appended in columns (appendColumns), not by row`);
    if ('values' in mapping) {
      this.#emitFilling();
      this.#chunks.appendRow(mapping.values(row));
      this.#unflushed++;
      return;
    }
    this.#gathering ??= new ColumnarChunk(this.#types);
    const gathering = this.#gathering;
    try {
      mapping.gather(row, gathering);
    } catch (err) {
      gathering.abandonRow();
      throw err;
    }
    gathering.endRow();
    this.#unflushed++;
    if (gathering.room === 0) this.#emitFilling();
  }

  /**
   * Appends a batch of rows in columns (a {@link ColumnarTableMapping}'s
   * table), written into DuckDB's vectors. Batches fill one data chunk after
   * another: making a chunk and its vectors costs more than filling a small batch.
   */
  appendColumns(batch: In): void {
    if (!('sources' in this.#mapping)) throw new TypeError(`table ${this.#mapping.table} is appended by row (append), not in columns`);
    const { rowCount, columns } = this.#mapping.sources(batch);
    if (columns.length !== this.#types.length) {
      throw new Error(`table ${this.#mapping.table}: ${columns.length} column sources for ${this.#types.length} columns`);
    }
    this.#chunks.flush();
    this.#unflushed += rowCount;
    this.#gathering ??= new ColumnarChunk(this.#types);
    const gathering = this.#gathering;
    for (let start = 0; start < rowCount; ) {
      const count = Math.min(gathering.room, rowCount - start);
      gathering.fill(columns, start, count);
      start += count;
      if (gathering.room === 0) this.#emitFilling();
    }
  }

  /** Appends the chunk {@link appendColumns} or a gathered {@link append} was filling, if any. */
  #emitFilling(): void {
    const gathering = this.#gathering;
    if (gathering === null || gathering.rows === 0) return;
    const chunk = gathering.toDataChunk();
    // The rows are DuckDB's now (copied into its vectors): the buffers take the next ones.
    gathering.reset();
    this.#appendChunk(chunk);
  }

  #appendChunk(chunk: DuckDBDataChunk): void {
    this.#appender.appendDataChunk(chunk);
    this.#buffered += chunk.rowCount;
    if (this.#buffered >= this.#flushAt) this.#flushBuffered();
  }

  /** Moves the appender's full data chunks into the transaction. */
  #flushBuffered(): void {
    this.#appender.flushSync();
    // Rows still in the chunk writer or the gathering chunk stay unflushed.
    this.#unflushed -= this.#buffered;
    this.#buffered = 0;
  }

  /** Moves every buffered row into the transaction (still uncommitted). */
  flush(): void {
    if (this.#closed) return;
    this.#emitFilling();
    this.#chunks.flush();
    this.#appender.flushSync();
    this.#buffered = 0;
    this.#unflushed = 0;
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
    this.#gathering = null;
    try {
      this.#appender.closeSync();
    } catch {
      // The rows are discarded by the rollback either way.
    }
  }
}

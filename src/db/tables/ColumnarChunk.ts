import { DuckDBDataChunk, type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import type { ColumnSource } from './ColumnSource.js';
import { inlineStrings } from './inlineStrings.js';

/** Rows in a data chunk (DuckDB's vector size). */
export const CHUNK_ROWS = 2048;

const TWO_32 = 2 ** 32;

/** One column's rows as they are gathered, in the memory layout DuckDB's vector takes. */
type ColumnBuffer =
  | { kind: 'double'; data: Float64Array; validity: Uint32Array; nulls: number }
  | { kind: 'integer'; data: Int32Array; validity: Uint32Array; nulls: number }
  /** A BOOLEAN (`max` 1: DuckDB reads any other byte as neither true nor false) or UTINYINT (`max` 255): one byte a value. */
  | { kind: 'byte'; max: number; data: Uint8Array; validity: Uint32Array; nulls: number }
  /** A BIGINT as its two 32-bit halves, low first (little-endian), so no BigInt is made per value. */
  | { kind: 'bigint'; data: Uint32Array; validity: Uint32Array; nulls: number }
  | { kind: 'varchar'; data: (string | null)[]; validity: Uint32Array; nulls: number };

/**
 * One data chunk of a table's rows, gathered from {@link ColumnSource}s into
 * typed arrays laid out as DuckDB's vectors are, and copied into a new chunk
 * with one call per column ({@link toDataChunk}). `@duckdb/node-api`'s
 * vectors take a value at a time (a BigInt per BIGINT, BigInt arithmetic per
 * validity bit, a native call per string at flush): for an evaluation's
 * 170,000 outcome rows that was about a quarter of the main thread's work.
 * Takes BIGINT, INTEGER, DOUBLE, BOOLEAN, UTINYINT and VARCHAR (JSON
 * included) columns; a VARCHAR column whose rows all hold the same string
 * becomes one constant vector. Rows come in from sources ({@link fill}) or a
 * value at a time ({@link put}, {@link endRow}).
 */
export class ColumnarChunk {
  readonly #types: readonly DuckDBType[];
  readonly #columns: ColumnBuffer[];
  /** Rows gathered so far. */
  rows = 0;

  /** @throws TypeError when a column's type is not one this chunk takes */
  constructor(types: readonly DuckDBType[]) {
    this.#types = types;
    this.#columns = types.map((type) => {
      const validity = new Uint32Array(CHUNK_ROWS / 32).fill(0xffffffff);
      switch (type.typeId) {
        case DuckDBTypeId.DOUBLE:
          return { kind: 'double', data: new Float64Array(CHUNK_ROWS), validity, nulls: 0 };
        case DuckDBTypeId.INTEGER:
          return { kind: 'integer', data: new Int32Array(CHUNK_ROWS), validity, nulls: 0 };
        case DuckDBTypeId.BOOLEAN:
          return { kind: 'byte', max: 1, data: new Uint8Array(CHUNK_ROWS), validity, nulls: 0 };
        case DuckDBTypeId.UTINYINT:
          return { kind: 'byte', max: 255, data: new Uint8Array(CHUNK_ROWS), validity, nulls: 0 };
        case DuckDBTypeId.BIGINT:
          return { kind: 'bigint', data: new Uint32Array(CHUNK_ROWS * 2), validity, nulls: 0 };
        case DuckDBTypeId.VARCHAR:
          return { kind: 'varchar', data: new Array<string | null>(CHUNK_ROWS).fill(null), validity, nulls: 0 };
        default:
          throw new TypeError(`columnar appends take BIGINT, INTEGER, DOUBLE, BOOLEAN, UTINYINT and VARCHAR columns, not ${type}`);
      }
    });
  }

  /**
   * Empties the chunk for the next rows, its buffers kept: a chunk made anew
   * per 2,048 rows was about 230 KB of new memory each time for an outcome
   * table, paid for in page faults and collections (call it once
   * {@link toDataChunk} has copied the rows out).
   */
  reset(): void {
    const words = Math.ceil(this.rows / 32);
    for (const column of this.#columns) {
      column.validity.fill(0xffffffff, 0, words);
      column.nulls = 0;
      if (column.kind === 'varchar') column.data.fill(null, 0, this.rows);
    }
    this.rows = 0;
  }

  /** Rows the chunk can still take. */
  get room(): number {
    return CHUNK_ROWS - this.rows;
  }

  /** Appends rows `start` to `start + count` of the sources (one per column, in order); `count` at most {@link room}. */
  fill(sources: readonly ColumnSource[], start: number, count: number): void {
    try {
      for (let c = 0; c < sources.length; c++) fillColumn(this.#columns[c]!, sources[c]!, start, this.rows, count);
    } catch (err) {
      // The rows are not taken: undo the NULLs and strings already written for them, which the next rows would inherit.
      for (const column of this.#columns) {
        for (let r = this.rows; r < this.rows + count; r++) {
          column.validity[r >>> 5]! |= 1 << (r & 31);
          if (column.kind === 'varchar') column.data[r] = null;
        }
      }
      throw err;
    }
    this.rows += count;
  }

  /**
   * Writes column `c` of the row being gathered (row {@link rows}); null and
   * undefined are NULL, a boolean 1 or 0. Call {@link endRow} once every column is written,
   * or {@link abandonRow} if one throws.
   * @throws TypeError or RangeError when the value does not fit the column
   */
  put(c: number, value: string | number | boolean | null | undefined): void {
    writeValue(this.#columns[c]!, this.rows, typeof value === 'boolean' ? Number(value) : value);
  }

  /** Takes the row {@link put} has written. */
  endRow(): void {
    this.rows++;
  }

  /** Forgets what {@link put} wrote of the row being gathered: the next row would inherit its NULLs and strings. */
  abandonRow(): void {
    const r = this.rows;
    for (const column of this.#columns) {
      if ((column.validity[r >>> 5]! & (1 << (r & 31))) === 0) {
        column.validity[r >>> 5]! |= 1 << (r & 31);
        column.nulls--;
      }
      if (column.kind === 'varchar') column.data[r] = null;
    }
  }

  /** A DuckDB data chunk holding the rows gathered. */
  toDataChunk(): DuckDBDataChunk {
    const chunk = DuckDBDataChunk.create([...this.#types]);
    const rows = this.rows;
    for (let c = 0; c < this.#columns.length; c++) {
      const column = this.#columns[c]!;
      const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
      if (column.kind === 'varchar') {
        copyStrings(vector, column.data, rows);
      } else {
        const bytes = rows * (column.kind === 'integer' ? 4 : column.kind === 'byte' ? 1 : 8);
        bindings.copy_data_to_vector(vector, 0, column.data.buffer as ArrayBuffer, column.data.byteOffset, bytes);
      }
      if (column.nulls > 0) {
        bindings.vector_ensure_validity_writable(vector);
        bindings.copy_data_to_vector_validity(vector, 0, column.validity.buffer as ArrayBuffer, 0, Math.ceil(rows / 64) * 8);
      }
    }
    chunk.rowCount = rows;
    return chunk;
  }
}

/** A VARCHAR column: one constant vector when every row holds the same string, one copy when all are short codes ({@link inlineStrings}), else a string per row. */
function copyStrings(vector: ReturnType<typeof bindings.data_chunk_get_vector>, values: readonly (string | null)[], rows: number): void {
  const first = values[0];
  let same = typeof first === 'string';
  for (let r = 1; same && r < rows; r++) same = values[r] === first;
  if (same && rows > 0) {
    bindings.vector_reference_value(vector, bindings.create_varchar(first!));
    return;
  }
  const inline = inlineStrings(values, rows);
  if (inline !== null) {
    bindings.copy_data_to_vector(vector, 0, inline.buffer as ArrayBuffer, inline.byteOffset, inline.byteLength);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const value = values[r];
    if (value !== null && value !== undefined) bindings.vector_assign_string_element(vector, r, value);
  }
}

/** Marks row `at` NULL. */
function setNull(column: ColumnBuffer, at: number): void {
  column.validity[at >>> 5]! &= ~(1 << (at & 31));
  column.nulls++;
}

/** Writes rows `start` to `start + count` of one source into a column buffer, from its row `at`; NaN is NULL. */
function fillColumn(column: ColumnBuffer, source: ColumnSource, start: number, at: number, count: number): void {
  if (source.kind === 'constant') {
    for (let r = 0; r < count; r++) writeValue(column, at + r, source.value);
    return;
  }
  const { values, stride, offset } = source;
  if (source.kind === 'names') {
    for (let r = 0; r < count; r++) {
      const n = values[offset + (start + r) * stride]!;
      writeValue(column, at + r, Number.isNaN(n) ? null : source.names[n]!);
    }
    return;
  }
  // One loop per kind, decided once per column rather than per row.
  if (column.kind === 'double') {
    const data = column.data;
    for (let r = 0; r < count; r++) {
      const n = values[offset + (start + r) * stride]!;
      if (Number.isNaN(n)) setNull(column, at + r);
      else data[at + r] = n;
    }
  } else if (column.kind === 'bigint') {
    for (let r = 0; r < count; r++) {
      const n = values[offset + (start + r) * stride]!;
      if (Number.isNaN(n)) setNull(column, at + r);
      else writeBigint(column.data, at + r, n);
    }
  } else if (column.kind === 'integer') {
    const data = column.data;
    for (let r = 0; r < count; r++) {
      const n = values[offset + (start + r) * stride]!;
      if (Number.isNaN(n)) setNull(column, at + r);
      else data[at + r] = n;
    }
  } else {
    for (let r = 0; r < count; r++) {
      const n = values[offset + (start + r) * stride]!;
      writeValue(column, at + r, Number.isNaN(n) ? null : n);
    }
  }
}

/** One value of any column kind; null is NULL. */
function writeValue(column: ColumnBuffer, at: number, value: string | number | null | undefined): void {
  // undefined too, as node-api's appender takes it: an optional field left out is NULL, not the text "undefined".
  if (value === null || value === undefined) {
    setNull(column, at);
  } else if (column.kind === 'varchar') {
    column.data[at] = String(value);
  } else if (typeof value === 'string') {
    throw new TypeError(`a ${column.kind} column cannot hold the string "${value}"`);
  } else if (column.kind === 'bigint') {
    writeBigint(column.data, at, value);
  } else if (column.kind === 'byte') {
    if (!(Number.isInteger(value) && value >= 0 && value <= column.max))
      throw new RangeError(`${value} does not fit a ${column.max === 1 ? 'BOOLEAN' : 'UTINYINT'} column`);
    column.data[at] = value;
  } else if (column.kind === 'integer') {
    // Checked, as node-api checks it: an Int32Array would wrap 2^31 and truncate 1.5 without a word.
    if (!(Number.isInteger(value) && value >= -INT32_LIMIT && value < INT32_LIMIT)) throw new RangeError(`${value} does not fit an INTEGER column`);
    column.data[at] = value;
  } else {
    column.data[at] = value;
  }
}

const INT32_LIMIT = 2 ** 31;
const INT64_LIMIT = 2 ** 63;

/**
 * A whole number as a 64-bit two's complement integer in two 32-bit halves:
 * the integer the double is, as `BigInt()` makes it, past 2^53 included (a
 * mask's area summed from a file's run lengths can be that large).
 * @throws RangeError for a fraction (as `BigInt()` refuses one) or a number outside BIGINT's range
 */
function writeBigint(halves: Uint32Array, at: number, n: number): void {
  if (!(Number.isInteger(n) && n >= -INT64_LIMIT && n < INT64_LIMIT)) throw new RangeError(`${n} is not an integer a BIGINT column can take`);
  const high = Math.floor(n / TWO_32);
  halves[2 * at] = n - high * TWO_32;
  halves[2 * at + 1] = high >>> 0;
}

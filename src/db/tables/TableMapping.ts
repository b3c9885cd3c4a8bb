import type { DuckDBValue } from '@duckdb/node-api';
import type { Row } from '../toPlainRows.js';
import type { ColumnarChunk } from './ColumnarChunk.js';
import type { ColumnSources } from './ColumnSource.js';

/** One column of a mapped table. */
export interface ColumnDef {
  name: string;
  /** DuckDB type with its constraint, e.g. `BIGINT NOT NULL`. */
  type: string;
}

/** A table and its columns in table order (the `CREATE TABLE` is generated from them). */
export interface MappedTable {
  readonly table: string;
  readonly columns: readonly ColumnDef[];
}

/**
 * How one database table maps to the rows we write and read: its columns in
 * table order (the `CREATE TABLE` is generated from them), a row in as the
 * appender's values in that same order, and a stored row out as the API shows
 * it. The writer, the repositories and the exporters go through the mapping,
 * so no positional list of values can drift from the table it is appended to.
 */
export interface TableMapping<In> extends MappedTable {
  /**
   * One row's values in {@link columns} order. Written as one array literal per
   * table, not a loop over column callbacks: it runs once per annotation, millions
   * of times an ingest.
   */
  values(row: In): DuckDBValue[];
}

/**
 * How a table that a hot path fills a row at a time maps to the row: each
 * value written straight into the appender's {@link ColumnarChunk}
 * ({@link ColumnarChunk.put}), in {@link columns} order, then copied into
 * DuckDB's vectors one call a column, instead of an array of values per row,
 * a BigInt per id and node-api setting each value alone (annotations: a fifth
 * of the main thread's time in a profiled 100K ingest, docs/performance.md).
 */
export interface GatheredTableMapping<In> extends MappedTable {
  gather(row: In, chunk: ColumnarChunk): void;
}

/** Any mapping an appender takes: a row's values, a row gathered, or a batch in columns. */
export type AppendedTable<In> = TableMapping<In> | GatheredTableMapping<In> | ColumnarTableMapping<In>;

/**
 * How a table that a hot path fills a batch at a time maps to the batch: a
 * source per column instead of an array of values per row, so that no row
 * object or string is made per row (an evaluation writes millions).
 */
export interface ColumnarTableMapping<In> extends MappedTable {
  /** The batch's rows as one source per column, in {@link columns} order. */
  sources(batch: In): ColumnSources;
}

/** How a stored row (as selected with {@link selectList}) comes out of the API. */
export interface ShapedRows<Out = Row> {
  shape(row: Row): Out;
}

/** A mapping of a table the API reads: a stored row out, too. */
export interface ReadableTable<In, Out = Row> extends TableMapping<In>, ShapedRows<Out> {}

/** `CREATE TABLE IF NOT EXISTS` for a mapping's columns. */
export function createTableSql(mapping: MappedTable): string {
  const columns = mapping.columns.map((c) => `  ${c.name} ${c.type}`).join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${mapping.table} (\n${columns}\n);`;
}

/** The mapping's column names, prefixed with a table alias, for a SELECT list. */
export function selectList(mapping: Pick<MappedTable, 'columns'>, alias: string, except: readonly string[] = []): string {
  return mapping.columns
    .filter((c) => !except.includes(c.name))
    .map((c) => `${alias}.${c.name}`)
    .join(', ');
}

/**
 * Checks that a table as it is in the database has the mapping's columns in the
 * mapping's order (appenders write by position).
 * @throws Error naming the first column that differs.
 */
export function checkColumns(mapping: Pick<MappedTable, 'table' | 'columns'>, actual: readonly string[]): void {
  const expected = mapping.columns.map((c) => c.name);
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (expected[i] !== actual[i]) {
      throw new Error(`table ${mapping.table}: column ${i + 1} is ${actual[i] ?? 'missing'}, the mapping expects ${expected[i] ?? 'none'}`);
    }
  }
}

export const big = (n: number): bigint => BigInt(n);
export const bigOrNull = (n: number | null): bigint | null => (n === null ? null : BigInt(n));
export const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

import { DuckDBMaterializedResult, type DuckDBResultReader, JSDuckDBValueConverter } from '@duckdb/node-api';

/** A row as the API layer sees it: JSON-ready values. */
export type Row = Record<string, unknown>;

/**
 * Converts DuckDB's row objects to JSON-ready ones: BIGINT ids become numbers
 * (COCO ids and ours stay far below 2^53), timestamps ISO strings, and JSON
 * columns parsed objects. Reads a {@link DuckDBResultReader} that has read its
 * rows, or a materialized result's chunks, which are already in memory.
 */
export function toPlainRows(result: DuckDBResultReader | DuckDBMaterializedResult): Row[] {
  const names = result.columnNames();
  const jsonColumns = new Set<number>();
  result.columnTypes().forEach((type, index) => {
    if (type.alias === 'JSON') jsonColumns.add(index);
  });
  const rows: Row[] = [];
  for (const values of valuesOf(result)) {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) {
      row[names[i]!] = plain(values[i], jsonColumns.has(i));
    }
    rows.push(row);
  }
  return rows;
}

function* valuesOf(result: DuckDBResultReader | DuckDBMaterializedResult): Iterable<unknown[]> {
  if (!(result instanceof DuckDBMaterializedResult)) {
    yield* result.getRowsJS();
    return;
  }
  // A materialized result's chunks are in memory: read through DuckDB's chunk-count and get-chunk
  // calls, which its C API marks deprecated (a DuckDB upgrade must keep them, or this reads otherwise).
  const chunks = result.chunkCount;
  for (let i = 0; i < chunks; i++) yield* result.getChunk(i).convertRows(JSDuckDBValueConverter);
}

function plain(value: unknown, isJson: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (isJson && typeof value === 'string') return JSON.parse(value);
  return value;
}

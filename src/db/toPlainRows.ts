import type { DuckDBResultReader } from '@duckdb/node-api';

/** A row as the API layer sees it: JSON-ready values. */
export type Row = Record<string, unknown>;

/**
 * Converts DuckDB's row objects to JSON-ready ones: BIGINT ids become numbers
 * (COCO ids and ours stay far below 2^53), timestamps ISO strings, and JSON
 * columns parsed objects.
 */
export function toPlainRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  const jsonColumns = new Set<number>();
  reader.columnTypes().forEach((type, index) => {
    if (type.alias === 'JSON') jsonColumns.add(index);
  });
  const rows: Row[] = [];
  const rowsJs = reader.getRowsJS();
  for (const values of rowsJs) {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) {
      row[names[i]!] = plain(values[i], jsonColumns.has(i));
    }
    rows.push(row);
  }
  return rows;
}

function plain(value: unknown, isJson: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (isJson && typeof value === 'string') return JSON.parse(value);
  return value;
}

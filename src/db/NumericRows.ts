import type { DuckDBResult } from '@duckdb/node-api';
import { DuckDBTypeId } from '@duckdb/node-api';

/**
 * A query's rows as numbers in one row-major array (NULL as NaN), plus its
 * trailing text columns: what a hot path reads when a row object per row, and
 * a BigInt per id, would cost more than the work it feeds.
 */
export interface NumericRows {
  rowCount: number;
  /** Numeric columns per row. */
  stride: number;
  /** `rowCount * stride` numbers: row r's column c at `r * stride + c`. */
  values: Float64Array;
  /** The text columns after the numeric ones, each `rowCount` long (null for NULL). */
  text: (string | null)[][];
}

/**
 * Reads a result whose first columns are DOUBLE (cast them in the SQL; ids up
 * to 2^53 are exact) and whose remaining columns are VARCHAR, one data chunk
 * at a time, straight from DuckDB's vectors.
 * @throws Error naming a column of another type
 */
export async function readNumericRows(result: DuckDBResult): Promise<NumericRows> {
  const columnCount = result.columnCount;
  let stride = 0;
  while (stride < columnCount && result.columnTypeId(stride) === DuckDBTypeId.DOUBLE) stride++;
  for (let c = stride; c < columnCount; c++) {
    if (result.columnTypeId(c) !== DuckDBTypeId.VARCHAR) {
      throw new Error(`column ${result.columnName(c)} must be DOUBLE (before the text columns) or VARCHAR`);
    }
  }
  const chunks = [];
  let rowCount = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    chunks.push(chunk);
    rowCount += chunk.rowCount;
  }
  const values = new Float64Array(rowCount * stride);
  const text: (string | null)[][] = Array.from({ length: columnCount - stride }, () => new Array<string | null>(rowCount));
  let base = 0;
  for (const chunk of chunks) {
    const n = chunk.rowCount;
    for (let c = 0; c < stride; c++) {
      const vector = chunk.getColumnVector(c);
      for (let r = 0; r < n; r++) values[(base + r) * stride + c] = (vector.getItem(r) as number | null) ?? Number.NaN;
    }
    for (let c = stride; c < columnCount; c++) {
      const vector = chunk.getColumnVector(c);
      const column = text[c - stride]!;
      for (let r = 0; r < n; r++) column[base + r] = vector.getItem(r) as string | null;
    }
    base += n;
  }
  return { rowCount, stride, values, text };
}

import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Runs `sql`, whose one column is each row's JSON text, and yields the rows
 * comma-separated, one DuckDB data chunk (2,048 rows) per piece: the result is
 * streamed, never held whole.
 */
export async function* streamJsonRows(conn: DuckDBConnection, sql: string): AsyncGenerator<string> {
  const result = await conn.stream(sql);
  let first = true;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    const values = chunk.getColumnValues(0) as (string | null)[];
    const text = values.join(',');
    yield first ? text : `,${text}`;
    first = false;
  }
}

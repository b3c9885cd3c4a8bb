import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Characters a piece holds at most, unless one row is longer: under
 * V8's 128 KB bound for objects made in the young generation. A longer string
 * goes straight to the large-object space and stays there until a full
 * collection: pieces of a whole 2,048-row data chunk (about 0.8 MB of
 * annotations) grew the heap by some 70 MB during the 100K export and made it
 * about a fifth slower.
 */
export const PIECE_CHARS = 64 * 1024;

/**
 * Runs `sql`, whose one column is each row's JSON text, and yields the rows
 * comma-separated in pieces of at most {@link PIECE_CHARS} characters (a row
 * longer than that is a piece of its own), one DuckDB data chunk (2,048 rows)
 * fetched at a time: the result is streamed, never held whole.
 */
export async function* streamJsonRows(conn: DuckDBConnection, sql: string): AsyncGenerator<string> {
  const result = await conn.stream(sql);
  let first = true;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    const values = chunk.getColumnValues(0) as (string | null)[];
    for (const [from, to] of pieceRanges(values)) {
      const text = values.slice(from, to).join(',');
      yield first ? text : `,${text}`;
      first = false;
    }
  }
}

/** Where a chunk's pieces start and end (end exclusive): as many rows as fit in {@link PIECE_CHARS}, at least one. */
function* pieceRanges(values: readonly (string | null)[]): Generator<[number, number]> {
  let start = 0;
  let chars = 0;
  for (let i = 0; i < values.length; i++) {
    // The row and the comma after it.
    const length = (values[i]?.length ?? 0) + 1;
    if (i > start && chars + length > PIECE_CHARS) {
      yield [start, i];
      start = i;
      chars = 0;
    }
    chars += length;
  }
  if (start < values.length) yield [start, values.length];
}

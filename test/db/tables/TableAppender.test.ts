import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { constant, names, numbers } from '../../../src/db/tables/ColumnSource.js';
import { TableAppender } from '../../../src/db/tables/TableAppender.js';
import { type ColumnarTableMapping, createTableSql } from '../../../src/db/tables/TableMapping.js';

/** A batch of rows as two numbers each (an id, NaN for none; a label index, NaN for none) and a score per row. */
interface Batch {
  pairs: Float64Array;
  scores: Float64Array;
}

const LABELS = ['tp', 'fp', 'ignored'];

const table: ColumnarTableMapping<Batch> = {
  table: 'columnar_rows',
  columns: [
    { name: 'run', type: 'VARCHAR NOT NULL' },
    { name: 'matched', type: 'BIGINT' },
    { name: 'label', type: 'VARCHAR' },
    { name: 'score', type: 'DOUBLE' },
  ],
  sources: ({ pairs, scores }) => ({
    rowCount: scores.length,
    columns: [constant('run-1'), numbers(pairs, 2, 0), names(pairs, 2, 1, LABELS), numbers(scores, 1, 0)],
  }),
};

describe('TableAppender in columns', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'table-appender-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends batches across data chunks (2,048 rows each), NaN stored as NULL, in order, and refuses a row append', async () => {
    const instance = await DuckDBInstance.create(path.join(dir, 'rows.duckdb'));
    const conn = await instance.connect();
    try {
      await conn.run(createTableSql(table));
      const appender = await TableAppender.open(conn, table);
      const expected: [string, bigint | null, string | null, number | null][] = [];
      // 7 batches of 700 rows: the third and the fifth data chunks are filled from two batches each.
      for (let b = 0; b < 7; b++) {
        const pairs = new Float64Array(700 * 2);
        const scores = new Float64Array(700);
        for (let r = 0; r < 700; r++) {
          const n = b * 700 + r;
          pairs[r * 2] = n % 5 === 0 ? Number.NaN : 3_000_000_000 + n;
          pairs[r * 2 + 1] = n % 7 === 0 ? Number.NaN : n % 3;
          scores[r] = n % 11 === 0 ? Number.NaN : n / 4;
          expected.push(['run-1', n % 5 === 0 ? null : BigInt(3_000_000_000 + n), n % 7 === 0 ? null : LABELS[n % 3]!, n % 11 === 0 ? null : n / 4]);
        }
        appender.appendColumns({ pairs, scores });
      }
      expect(() => appender.append({ pairs: new Float64Array(2), scores: new Float64Array(1) })).to.throw(TypeError, /in columns/);
      appender.close();
      const rows = (await conn.runAndReadAll('SELECT run, matched, label, score FROM columnar_rows ORDER BY rowid')).getRows();
      expect(rows.length).to.equal(4900);
      expect(rows).to.deep.equal(expected);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('keeps BIGINTs exact across their range, INTEGERs, and a constant that changes within a data chunk', async () => {
    const mixed: ColumnarTableMapping<{ run: string; ids: Float64Array }> = {
      table: 'mixed_rows',
      columns: [
        { name: 'run', type: 'VARCHAR NOT NULL' },
        { name: 'id', type: 'BIGINT' },
        { name: 'count', type: 'INTEGER' },
      ],
      sources: ({ run, ids }) => ({
        rowCount: ids.length,
        columns: [
          constant(run),
          numbers(ids, 1, 0),
          numbers(
            ids.map((v) => (Number.isNaN(v) ? v : v % 1000)),
            1,
            0,
          ),
        ],
      }),
    };
    const ids = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 + 7, -(2 ** 32) - 7, 2 ** 53 - 1, -(2 ** 53) + 1, 900_100_581_904, Number.NaN];
    const instance = await DuckDBInstance.create(path.join(dir, 'mixed.duckdb'));
    const conn = await instance.connect();
    try {
      await conn.run(createTableSql(mixed));
      const appender = await TableAppender.open(conn, mixed);
      appender.appendColumns({ run: 'a', ids: Float64Array.from(ids) });
      appender.appendColumns({ run: 'bb', ids: Float64Array.from(ids) });
      expect(() => appender.appendColumns({ run: 'c', ids: Float64Array.of(1.5) })).to.throw(RangeError, /1.5/);
      appender.close();
      const rows = (await conn.runAndReadAll('SELECT run, id, count FROM mixed_rows ORDER BY rowid')).getRows();
      const expected = ['a', 'bb'].flatMap((run) => ids.map((v) => [run, Number.isNaN(v) ? null : BigInt(v), Number.isNaN(v) ? null : v % 1000]));
      expect(rows).to.deep.equal(expected);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { constant, names, numbers } from '../../../src/db/tables/ColumnSource.js';
import { TableAppender } from '../../../src/db/tables/TableAppender.js';
import { type ColumnarTableMapping, createTableSql, type GatheredTableMapping, type TableMapping } from '../../../src/db/tables/TableMapping.js';

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

  it('writes short labels in one copy that DuckDB compares, groups and joins as strings it stored itself, and long or accented ones row by row', async () => {
    const instance = await DuckDBInstance.create(path.join(dir, 'labels.duckdb'));
    const conn = await instance.connect();
    const words = ['tp', 'fp', 'ignored', 'twelve-chars', 'thirteen-char', 'déjà'];
    const labelled: ColumnarTableMapping<{ codes: Float64Array }> = {
      table: 'labelled',
      columns: [{ name: 'label', type: 'VARCHAR' }],
      sources: ({ codes }) => ({ rowCount: codes.length, columns: [names(codes, 1, 0, words)] }),
    };
    try {
      await conn.run(createTableSql(labelled));
      await conn.run(`CREATE TABLE expected AS SELECT * FROM (VALUES ${words.map((w) => `('${w}')`).join(', ')}) t(label)`);
      const appender = await TableAppender.open(conn, labelled);
      // A chunk of the first four only (inline, one copy; NULLs among them), then one with a 13-character label and
      // one with an accented one (both row by row).
      const picks = [(r: number) => r % 4, (r: number) => (r % 2 === 0 ? 4 : r % 4), (r: number) => (r % 2 === 0 ? 5 : r % 4)];
      const chunk = (pick: (r: number) => number) => Float64Array.from({ length: 2048 }, (_, r) => (r % 10 === 9 ? Number.NaN : pick(r)));
      for (const pick of picks) appender.appendColumns({ codes: chunk(pick) });
      appender.close();
      const rows = (
        await conn.runAndReadAll(
          `SELECT l.label, length(l.label) AS n, count(*) AS rows, count(e.label) AS joined FROM labelled l LEFT JOIN expected e ON e.label = l.label
           GROUP BY ALL ORDER BY l.label NULLS LAST`,
        )
      ).getRowObjects();
      const count = (chunks: ((r: number) => number)[], code: number) =>
        chunks.reduce((n, pick) => n + Array.from({ length: 2048 }, (_, r) => r).filter((r) => r % 10 !== 9 && pick(r) === code).length, 0);
      const expectedRows = [...words]
        .map((w, code) => ({ label: w, n: BigInt(w.length), rows: BigInt(count(picks, code)), joined: BigInt(count(picks, code)) }))
        .sort((a, b) => (a.label < b.label ? -1 : 1));
      const nulls = BigInt(3 * Array.from({ length: 2048 }, (_, r) => r).filter((r) => r % 10 === 9).length);
      expect(rows).to.deep.equal([...expectedRows, { label: null, n: null, rows: nulls, joined: 0n }]);
      // Equality with a literal, as the outcome filters ask (`outcome50 = 'tp'`).
      const [tp] = (await conn.runAndReadAll(`SELECT count(*) AS n FROM labelled WHERE label = 'tp'`)).getRowObjects();
      expect(tp!.n).to.equal(BigInt(count(picks, 0)));
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

  describe('a row at a time, gathered', () => {
    interface Thing {
      id: number;
      flag: boolean;
      small: number | null;
      label: string | null;
      doc: unknown;
      count: number | null;
      x: number | null;
    }
    const columns = [
      { name: 'id', type: 'BIGINT NOT NULL' },
      { name: 'flag', type: 'BOOLEAN NOT NULL' },
      { name: 'label', type: 'VARCHAR' },
      { name: 'doc', type: 'JSON' },
      { name: 'count', type: 'INTEGER' },
      { name: 'x', type: 'DOUBLE' },
      // Last, so that a value it refuses comes after a row's NULLs and strings are written.
      { name: 'small', type: 'UTINYINT' },
    ];
    const values = (t: Thing) => [BigInt(t.id), t.flag, t.label, t.doc === null ? null : JSON.stringify(t.doc), t.count, t.x, t.small];
    /** node-api's own appender, value by value: the reference. */
    const byValues: TableMapping<Thing> = { table: 'by_values', columns, values };
    const gathered: GatheredTableMapping<Thing> = {
      table: 'gathered',
      columns,
      gather: (t, chunk) => {
        chunk.put(0, t.id);
        chunk.put(1, t.flag);
        chunk.put(2, t.label);
        chunk.put(3, t.doc === null ? null : JSON.stringify(t.doc));
        chunk.put(4, t.count);
        chunk.put(5, t.x);
        chunk.put(6, t.small);
      },
    };

    /** Runs `body` on a connection to a new database file in the test's folder, closing both after. */
    async function withConnection(file: string, body: (conn: DuckDBConnection) => Promise<void>): Promise<void> {
      const instance = await DuckDBInstance.create(path.join(dir, file));
      const conn = await instance.connect();
      try {
        await body(conn);
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    }

    function thing(n: number): Thing {
      return {
        id: 2 ** 40 + n,
        flag: n % 2 === 0,
        small: n % 9 === 0 ? null : n % 256,
        label: n % 4 === 0 ? null : `label ${n % 13} é`,
        doc: n % 6 === 0 ? null : { n, polygon: [[n, 1.5, 2, 3]] },
        count: n % 5 === 0 ? null : n - 2_500,
        x: n % 7 === 0 ? null : n / 3,
      };
    }

    it('stores every row as node-api’s appender stores its values, across data chunks and in order', async () => {
      await withConnection('gathered.duckdb', async (conn) => {
        for (const mapping of [byValues, gathered]) {
          await conn.run(createTableSql(mapping));
          const appender = await TableAppender.open(conn, mapping);
          for (let n = 0; n < 5_000; n++) appender.append(thing(n));
          appender.close();
        }
        const read = async (t: string) => (await conn.runAndReadAll(`SELECT * FROM ${t} ORDER BY rowid`)).getRows();
        const reference = await read('by_values');
        expect(reference).to.have.length(5_000);
        expect(await read('gathered')).to.deep.equal(reference);
        expect(reference[1]).to.deep.equal([BigInt(2 ** 40 + 1), false, 'label 1 é', JSON.stringify({ n: 1, polygon: [[1, 1.5, 2, 3]] }), -2_499, 1 / 3, 1]);
      });
    });

    it('takes a BIGINT past 2^53 as BigInt() does and undefined as NULL, as node-api does, and refuses an INTEGER past 2^31 and a BOOLEAN other than 0 or 1', async () => {
      await withConnection('edges.duckdb', async (conn) => {
        await conn.run(createTableSql(gathered));
        const appender = await TableAppender.open(conn, gathered);
        appender.append({ ...thing(1), id: 2 ** 60 + 2 ** 40, label: undefined as unknown as null });
        appender.append({ ...thing(2), id: -(2 ** 62) });
        expect(() => appender.append({ ...thing(3), count: 2 ** 31 })).to.throw(RangeError, /2147483648/);
        expect(() => appender.append({ ...thing(3), count: 1.5 })).to.throw(RangeError, /1\.5/);
        // A number put into a BOOLEAN must be 0 or 1: DuckDB would read a byte of 2 as neither true nor false.
        expect(() => appender.append({ ...thing(3), flag: 2 as unknown as boolean })).to.throw(RangeError, /2 does not fit a BOOLEAN/);
        appender.close();
        const rows = (await conn.runAndReadAll('SELECT id, label FROM gathered ORDER BY rowid')).getRows();
        expect(rows).to.deep.equal([
          [2n ** 60n + 2n ** 40n, null],
          [-(2n ** 62n), 'label 2 é'],
        ]);
      });
    });

    it('refuses a value its column cannot hold and keeps nothing of that row, not even its NULLs', async () => {
      await withConnection('refused.duckdb', async (conn) => {
        await conn.run(createTableSql(gathered));
        const appender = await TableAppender.open(conn, gathered);
        appender.append(thing(1));
        // The label and doc are written as NULL before the UTINYINT refuses 300: the next row must not inherit them.
        expect(() => appender.append({ ...thing(2), label: null, doc: null, small: 300 })).to.throw(RangeError, /300/);
        appender.append(thing(3));
        appender.close();
        const rows = (await conn.runAndReadAll('SELECT id, small, label, doc FROM gathered ORDER BY rowid')).getRows();
        expect(rows.map((r) => r[0])).to.deep.equal([BigInt(2 ** 40 + 1), BigInt(2 ** 40 + 3)]);
        expect(rows[1]).to.deep.equal([BigInt(2 ** 40 + 3), 3, 'label 3 é', JSON.stringify({ n: 3, polygon: [[3, 1.5, 2, 3]] })]);
      });
    });
  });
});

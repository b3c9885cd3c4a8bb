import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';

describe('Database', () => {
  let dir: string;
  let db: Database;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'database-'));
    db = await Database.open({ file: path.join(dir, 'coco-ingest.duckdb') });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens DuckDB with write_buffer_row_group_count 1, so each full row group is written on its own', async () => {
    // DuckDB's default (5) batches the optimistic writes of five row groups into one appender flush, which
    // held the event loop twice as long during a large ingest.
    const rows = await db.query<{ n: string }>(`SELECT current_setting('write_buffer_row_group_count')::VARCHAR AS n`);
    expect(rows).to.deep.equal([{ n: '1' }]);
  });

  it("sets DuckDB's block_allocator_memory to 32 MB unless told otherwise", async () => {
    // DuckDB prints 32 MB (10^6 bytes) as 30.5 MiB, and 64 MB as 61.0 MiB.
    const kept = `SELECT current_setting('block_allocator_memory')::VARCHAR AS kept`;
    expect(await db.query(kept)).to.deep.equal([{ kept: '30.5 MiB' }]);
    const other = await Database.open({ file: path.join(dir, 'other.duckdb'), blockMemory: '64MB' });
    try {
      expect(await other.query(kept)).to.deep.equal([{ kept: '61.0 MiB' }]);
    } finally {
      await other.close();
    }
  });

  it('reads a result of several data chunks whole, with and without parameters, as JSON-ready rows', async () => {
    const sql = `SELECT range AS id, CAST(range AS VARCHAR) AS label, '{"a": 1}'::JSON AS extra, TIMESTAMP '2026-01-02 03:04:05' AS at FROM range(5000)`;
    const plain = await db.query(`${sql} ORDER BY id`);
    const bound = await db.query(`${sql} WHERE range >= ? ORDER BY id`, [0n]);
    for (const rows of [plain, bound]) {
      expect(rows).to.have.length(5000);
      expect(rows[0]).to.deep.equal({ id: 0, label: '0', extra: { a: 1 }, at: '2026-01-02T03:04:05.000Z' });
      expect(rows[4999]).to.deep.equal({ id: 4999, label: '4999', extra: { a: 1 }, at: '2026-01-02T03:04:05.000Z' });
      expect(rows.map((r) => r.id)).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
    }
  });

  it('reads NULLs, an empty result, $1 parameters and SQL of several statements with parameters', async () => {
    expect(await db.query('SELECT NULL::BIGINT AS id, NULL::JSON AS extra')).to.deep.equal([{ id: null, extra: null }]);
    expect(await db.query('SELECT range AS id FROM range(3) WHERE range > ?', [5n])).to.deep.equal([]);
    expect(await db.query('SELECT $1::INTEGER + $2::INTEGER AS sum', [2, 3])).to.deep.equal([{ sum: 5 }]);
    // DuckDB prepares one statement at a time: several with parameters take the long way.
    expect(await db.query('SELECT 1 AS one; SELECT ?::VARCHAR AS label', ['last'])).to.deep.equal([{ label: 'last' }]);
    expect(await db.queryOnWriter('SELECT ?::BIGINT AS id', [7n])).to.deep.equal([{ id: 7 }]);
  });

  it('stores a table of 40,000 rows in row groups of 16,384 rows', async () => {
    await db.transaction(async (conn) => {
      await conn.run('CREATE TABLE numbers AS SELECT range AS n FROM range(40000)');
    });
    const groups = await db.query<{ rows: number }>(
      `SELECT CAST(max(count) AS INTEGER) AS rows FROM pragma_storage_info('numbers') WHERE column_id = 0 GROUP BY row_group_id ORDER BY row_group_id`,
    );
    expect(groups.map((g) => g.rows)).to.deep.equal([16384, 16384, 7232]);
  });
});

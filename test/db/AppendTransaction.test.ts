import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AppendTransaction } from '../../src/db/AppendTransaction.js';
import { Database } from '../../src/db/Database.js';
import type { TableAppender } from '../../src/db/tables/TableAppender.js';
import { createTableSql, type TableMapping } from '../../src/db/tables/TableMapping.js';

const numbersTable: TableMapping<number> = {
  table: 'numbered',
  columns: [{ name: 'n', type: 'BIGINT NOT NULL' }],
  values: (n) => [BigInt(n)],
};

/** Rows the transaction's own connection sees: only what an appender has flushed. */
async function visible(tx: AppendTransaction): Promise<number> {
  const reader = await tx.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM numbered');
  return reader.getRowObjects()[0]!.n as number;
}

describe('AppendTransaction', () => {
  let dir: string;
  let db: Database;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'append-transaction-'));
    db = await Database.open({ file: path.join(dir, 'coco-ingest.duckdb') });
    await db.write(createTableSql(numbersTable));
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `body` in a transaction with one appender into `numbered`, then rolls back. */
  async function withAppender(deferFlushes: boolean, body: (tx: AppendTransaction, rows: TableAppender<number>) => Promise<void>): Promise<void> {
    const tx = await AppendTransaction.begin(db, async (t) => t, { deferFlushes });
    try {
      await body(tx, await tx.appender(numbersTable));
    } finally {
      await tx.close();
    }
  }

  it('flushes a row group of 16,384 rows inside the append that fills it unless told to defer', async () => {
    await withAppender(false, async (tx, rows) => {
      for (let n = 0; n < 16_384; n++) rows.append(n);
      expect(await visible(tx)).to.equal(16_384);
      expect(rows.due).to.equal(false);
    });
  });

  it('defers that flush to flushDue, which runs it on a turn of the event loop of its own', async () => {
    await withAppender(true, async (tx, rows) => {
      for (let n = 0; n < 16_384; n++) rows.append(n);
      expect(await visible(tx)).to.equal(0);
      expect(rows.due).to.equal(true);
      // An immediate queued before flushDue sees the rows still unflushed: the flush waits for a turn of its own.
      let dueInEarlierImmediate: boolean | undefined;
      setImmediate(() => {
        dueInEarlierImmediate = rows.due;
      });
      await tx.flushDue();
      expect(dueInEarlierImmediate).to.equal(true);
      expect(await visible(tx)).to.equal(16_384);
      expect(rows.due).to.equal(false);
    });
  });

  it('flushes two due tables on two turns, one table per turn', async () => {
    await db.write(createTableSql({ ...numbersTable, table: 'others' }));
    await withAppender(true, async (tx, rows) => {
      const others = await tx.appender({ ...numbersTable, table: 'others' });
      for (let n = 0; n < 16_384; n++) {
        rows.append(n);
        others.append(n);
      }
      // Each immediate queued on a turn sees what the flushes before it left: one table flushed, then both.
      const seen: string[] = [];
      const look = () => seen.push(`${rows.due ? 'rows due' : 'rows flushed'}, ${others.due ? 'others due' : 'others flushed'}`);
      setImmediate(() => {
        look();
        setImmediate(() => {
          look();
          setImmediate(look);
        });
      });
      await tx.flushDue();
      expect(seen.slice(0, 2)).to.deep.equal(['rows due, others due', 'rows flushed, others due']);
      expect(rows.due || others.due).to.equal(false);
    });
  });

  it('rolls back rows left unflushed past a row group, leaving nothing behind', async () => {
    await withAppender(true, async (tx, rows) => {
      for (let n = 0; n < 20_000; n++) rows.append(n);
      expect(rows.pending).to.equal(true);
      await tx.rollback();
      expect(rows.pending).to.equal(false);
      // Nothing to flush once discarded.
      rows.flushIfDue();
    });
    expect(await db.query('SELECT count(*)::INTEGER AS n FROM numbered')).to.deep.equal([{ n: 0 }]);
  });

  it('leaves fewer rows than a row group buffered at flushDue, and flushes them at flush', async () => {
    await withAppender(true, async (tx, rows) => {
      for (let n = 0; n < 5_000; n++) rows.append(n);
      await tx.flushDue();
      expect(await visible(tx)).to.equal(0);
      await tx.flush();
      expect(await visible(tx)).to.equal(5_000);
    });
  });

  it('flushes anyway at four row groups when flushDue is never called, so memory stays bounded', async () => {
    await withAppender(true, async (tx, rows) => {
      for (let n = 0; n < 4 * 16_384 - 2_048; n++) rows.append(n);
      expect(await visible(tx)).to.equal(0);
      for (let n = 0; n < 2_048; n++) rows.append(n);
      expect(await visible(tx)).to.equal(4 * 16_384);
    });
  });

  it('commits every deferred row, in order', async () => {
    const tx = await AppendTransaction.begin(db, async (t) => t, { deferFlushes: true });
    try {
      const rows = await tx.appender(numbersTable);
      for (let n = 0; n < 40_000; n++) {
        rows.append(n);
        if (n % 1_000 === 999) await tx.flushDue();
      }
      await tx.commit(async () => undefined);
    } finally {
      await tx.close();
    }
    const stored = await db.query<{ count: number; first: number; last: number; ordered: boolean }>(
      'SELECT count(*)::INTEGER AS count, min(n)::INTEGER AS first, max(n)::INTEGER AS last, bool_and(n = rowid) AS ordered FROM numbered',
    );
    expect(stored).to.deep.equal([{ count: 40_000, first: 0, last: 39_999, ordered: true }]);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { PIECE_CHARS, streamJsonRows } from '../../src/export/streamJsonRows.js';

describe('streamJsonRows', () => {
  let dir: string;
  let instance: DuckDBInstance;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stream-json-rows-'));
    instance = await DuckDBInstance.create(path.join(dir, 'rows.duckdb'));
  });
  after(async () => {
    instance?.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  /** Rows i = 0..count-1 as `{"i":i,"pad":"xx…"}`, the pad `padOf(i)` characters long. */
  async function pieces(count: number, padOf: string): Promise<string[]> {
    const conn = await instance.connect();
    try {
      const out: string[] = [];
      for await (const piece of streamJsonRows(
        conn,
        `SELECT json_object('i', i, 'pad', repeat('x', ${padOf}))::VARCHAR FROM range(${count}) r(i) ORDER BY i`,
      )) {
        out.push(piece);
      }
      return out;
    } finally {
      conn.closeSync();
    }
  }

  it('gives every row once, in order, as one JSON array body when the pieces are joined, across data chunks', async () => {
    const out = await pieces(5000, '(i % 50)::INTEGER');
    const rows = JSON.parse(`[${out.join('')}]`) as { i: number; pad: string }[];
    expect(rows.map((r) => r.i)).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
    expect(rows.every((r) => r.pad.length === r.i % 50)).to.equal(true);
  });

  it('keeps each piece within PIECE_CHARS characters, but for a row longer than that, which comes alone', async () => {
    // Rows of 1 KB, with every 100th of 100 KB.
    const out = await pieces(3000, 'CASE WHEN i % 100 = 0 THEN 100000 ELSE 1000 END');
    const rows = JSON.parse(`[${out.join('')}]`) as { i: number }[];
    expect(rows).to.have.length(3000);
    for (const piece of out) {
      const rowsIn = JSON.parse(`[${piece.replace(/^,/, '')}]`) as { pad: string }[];
      if (rowsIn.some((r) => r.pad.length === 100000)) expect(rowsIn).to.have.length(1);
      // The comma that joins it to the piece before is the one character over.
      else expect(piece.length).to.be.at.most(PIECE_CHARS + 1);
    }
    expect(out.length).to.be.greaterThan(3000 / 64);
  });

  it('gives nothing for no rows', async () => {
    expect(await pieces(0, '1')).to.deep.equal([]);
  });
});

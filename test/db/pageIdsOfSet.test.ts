import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';
import { pageIdsOfSet } from '../../src/db/pageIdsOfSet.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('pageIdsOfSet', function () {
  let dir: string;
  let db: Database;
  // Said to have at most 4 rows a sample (rounds of 4 × count rows), sample 7 has 12: a round of one or two ids can
  // hold nothing but sample 7, and the next round must go on after it. Rows of dataset 2 and a NULL never come.
  const rows: [number, number | null][] = [
    ...Array.from({ length: 12 }, (): [number, number] => [1, 7]),
    [1, 3],
    [1, 3],
    [2, 5],
    [1, 9],
    [1, 12],
    [1, 12],
    [1, null],
    [1, 20],
  ];
  const set = { select: 'SELECT sample_id FROM ids_fixture WHERE dataset_id = ?', params: [1n], rowsPerSample: 4 };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'page-ids-'));
    db = await Database.open({ file: path.join(dir, 'page.duckdb') });
    await db.write('CREATE TABLE ids_fixture (dataset_id BIGINT, sample_id BIGINT)');
    for (const [dataset, sample] of rows) await db.write('INSERT INTO ids_fixture VALUES (?, ?)', [BigInt(dataset), sample === null ? null : BigInt(sample)]);
  });
  after(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each sample of the set once, in id order, across rounds that one sample fills', async () => {
    expect(await pageIdsOfSet(db, set, undefined, 2)).to.deep.equal([3, 7]);
    expect(await pageIdsOfSet(db, set, undefined, 3)).to.deep.equal([3, 7, 9]);
    expect(await pageIdsOfSet(db, set, undefined, 10)).to.deep.equal([3, 7, 9, 12, 20]);
  });

  it('starts after the cursor id and stops at the end of the set', async () => {
    expect(await pageIdsOfSet(db, set, 3, 2)).to.deep.equal([7, 9]);
    expect(await pageIdsOfSet(db, set, 7, 2)).to.deep.equal([9, 12]);
    expect(await pageIdsOfSet(db, set, 12, 2)).to.deep.equal([20]);
    expect(await pageIdsOfSet(db, set, 20, 2)).to.deep.equal([]);
  });

  it('gives an empty page at once when asked for none (a round of no rows would never end)', async () => {
    expect(await pageIdsOfSet(db, set, undefined, 0)).to.deep.equal([]);
  });

  it('refuses a set with no bound on the rows of a sample', async () => {
    const err = await expectRejection(pageIdsOfSet(db, { ...set, rowsPerSample: null }, undefined, 2), /bound on the rows of a sample/);
    expect(err).to.be.instanceOf(TypeError);
  });
});

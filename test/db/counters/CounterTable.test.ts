import { expect } from 'chai';
import { ALL_IMAGES, fillCounterStatements, imageSlices } from '../../../src/db/counters/CounterTable.js';
import { COUNTER_TABLES } from '../../../src/db/counters/counterTables.js';
import { ingestProblemsDataset } from '../../helpers/problemsDataset.js';
import { useTestServer } from '../../helpers/startTestServer.js';

describe('imageSlices', () => {
  it('cuts the ids into ranges that meet end to end: up to the first bound, between bounds, past the last', () => {
    const [first, middle, last] = imageSlices([5, 9]).map((slice) => slice('a.image_coco_id'));
    expect([first, middle, last]).to.deep.equal(['a.image_coco_id <= 5', 'a.image_coco_id > 5 AND a.image_coco_id <= 9', 'a.image_coco_id > 9']);
  });

  it('is one slice of every image without bounds', () => {
    expect(imageSlices([])).to.deep.equal([ALL_IMAGES]);
    expect(ALL_IMAGES('s.coco_id')).to.equal('true');
  });
});

describe('a sliced counter', () => {
  const server = useTestServer();
  let jobId: string;
  let bounds: number[];

  before(async () => {
    const datasetId = await ingestProblemsDataset(server);
    const rows = await server.service.db.query('SELECT job_id, coco_id FROM samples WHERE dataset_id = ? ORDER BY coco_id', [BigInt(datasetId)]);
    jobId = String(rows[0]!.job_id);
    const ids = rows.map((r) => Number(r.coco_id));
    // Three slices, each with images whose annotations fail checks, and a duplicate pair inside one of them.
    bounds = [ids[Math.floor(ids.length / 3)]!, ids[Math.floor((2 * ids.length) / 3)]!];
    expect(ids.length).to.be.greaterThan(3);
  });

  for (const counter of COUNTER_TABLES.filter((c) => c.sliced)) {
    it(`fills ${counter.table} with the same rows a slice of images at a time as in one pass`, async () => {
      const db = server.service.db;
      // The counter's rows for the job, filled again by `statements` in a transaction rolled back after.
      const rowsOf = async (statements: string[]): Promise<string[]> => {
        const conn = await db.connect();
        try {
          await conn.run('BEGIN TRANSACTION');
          await conn.run(`DELETE FROM ${counter.table} WHERE job_id = $1`, [jobId]);
          for (const statement of statements) await conn.run(statement, [jobId]);
          const rows = (await conn.runAndReadAll(`SELECT * FROM ${counter.table} WHERE job_id = $1`, [jobId])).getRows();
          return rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
        } finally {
          await conn.run('ROLLBACK');
          conn.closeSync();
        }
      };
      const whole = await rowsOf(fillCounterStatements(counter, '= $1'));
      const sliced = await rowsOf(fillCounterStatements(counter, '= $1', imageSlices(bounds)));
      expect(whole.length).to.be.greaterThan(0);
      expect(sliced).to.deep.equal(whole);
    });
  }
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../../src/db/Database.js';
import { SCHEMA_VERSION } from '../../../src/db/schema.js';
import { ingestProblemsDataset } from '../../helpers/problemsDataset.js';
import { useTestServer } from '../../helpers/startTestServer.js';

/** check_hits of a dataset as { check: [annotation coco ids] }, sorted. */
async function hitsOf(db: Database, datasetId: number): Promise<Record<string, number[]>> {
  const rows = await db.query(
    `SELECT h.check_name, list(a.coco_id ORDER BY a.coco_id) AS ids FROM check_hits h JOIN annotations a ON a.id = h.row_id
     WHERE h.dataset_id = ? GROUP BY h.check_name`,
    [BigInt(datasetId)],
  );
  return Object.fromEntries(rows.map((r) => [String(r.check_name), (r.ids as unknown[]).map(Number)]));
}

// fixtures/quality/README.md, worked out by hand: the failing annotations of each check kept per annotation.
const FIXTURE_HITS = {
  box_outside_image: [2],
  box_degenerate: [3],
  box_not_containing_polygon: [4],
  area_mismatch: [5, 12, 13],
  polygon_too_few_points: [6],
  duplicate_annotation: [8],
  keypoints_outside_box: [9],
  crowd_polygon: [10],
};

describe('the check_hits counter', () => {
  const server = useTestServer();
  let datasetId: number;

  before(async () => {
    datasetId = await ingestProblemsDataset(server);
  });

  it('holds, after the ingest of the problems fixture, exactly the annotations its README finds by hand', async () => {
    expect(await hitsOf(server.service.db, datasetId)).to.deep.equal(FIXTURE_HITS);
  });

  it('is emptied with its dataset', async () => {
    const response = await fetch(`${server.url}/datasets/${datasetId}`, { method: 'DELETE' });
    expect(response.status).to.be.oneOf([200, 204]);
    const [row] = await server.service.db.query('SELECT count(*) AS n FROM check_hits WHERE dataset_id = ?', [BigInt(datasetId)]);
    expect(Number(row!.n)).to.equal(0);
  });
});

describe('a database of schema version 6', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'schema-v6-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    // Rows as version 6 left them: no check_hits, no duplicate_members. Two 100x100 images in val, one in train with
    // the same hashes as val's first (a leak); annotation 1 fine, 2 past the right edge, 3 a two-point polygon.
    const db = await Database.open({ file });
    await db.write(`INSERT INTO datasets VALUES (1, 'old', 'ready', NULL, now(), now())`);
    await db.write(`INSERT INTO categories (dataset_id, id, name) VALUES (1, 1, 'person')`);
    await db.write(
      `INSERT INTO samples (id, dataset_id, job_id, split, coco_id, file_name, width, height, content_hash, phash) VALUES
       (1, 1, 'job-val', 'val', 1, '1.jpg', 100, 100, 'aa', 12345), (2, 1, 'job-val', 'val', 2, '2.jpg', 100, 100, 'bb', 99999999),
       (3, 1, 'job-train', 'train', 1, '1.jpg', 100, 100, 'aa', 12345)`,
    );
    await db.write(
      `INSERT INTO annotations (id, dataset_id, job_id, image_coco_id, record_index, coco_id, category_id, bbox_x, bbox_y, bbox_w, bbox_h, area, iscrowd, segmentation) VALUES
       (1, 1, 'job-val', 1, 0, 1, 1, 10, 10, 20, 20, 400, false, '[[10,10,30,10,30,30,10,30]]'),
       (2, 1, 'job-val', 1, 1, 2, 1, 80, 10, 30, 20, 600, false, NULL),
       (3, 1, 'job-val', 2, 2, 3, 1, 10, 10, 20, 20, NULL, false, '[[10,10,30,30]]')`,
    );
    await db.write('DELETE FROM check_hits; DELETE FROM duplicate_members');
    await db.write(`UPDATE meta SET value = '6' WHERE key = 'schema_version'`);
    await db.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has its check hits and duplicate members filled when opened', async () => {
    const db = await Database.open({ file });
    try {
      const [version] = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
      expect(version!.value).to.equal(String(SCHEMA_VERSION));
      expect(await hitsOf(db, 1)).to.deep.equal({ box_outside_image: [2], polygon_too_few_points: [3] });
      // Worked out from the stored JSON for check_hits, not stored: the rows keep a NULL check_flags, the column last.
      const flags = await db.query('SELECT coco_id, check_flags FROM annotations ORDER BY coco_id');
      expect(flags.map((r) => [Number(r.coco_id), r.check_flags])).to.deep.equal([
        [1, null],
        [2, null],
        [3, null],
      ]);
      const members = await db.query('SELECT sample_id, cross_split FROM duplicate_members ORDER BY sample_id');
      expect(members.map((m) => [Number(m.sample_id), m.cross_split])).to.deep.equal([
        [1, true],
        [3, true],
      ]);
    } finally {
      await db.close();
    }
  });
});

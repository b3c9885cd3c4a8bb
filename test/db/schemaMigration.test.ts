import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';
import { DatasetRepository } from '../../src/db/DatasetRepository.js';
import { IdSequence } from '../../src/db/IdSequence.js';
import { SampleRepository } from '../../src/db/SampleRepository.js';
import { SCHEMA_VERSION } from '../../src/db/schema.js';
import { cocoFormat } from '../../src/formats/coco/cocoFormat.js';
import { DatasetWriter } from '../../src/pipeline/DatasetWriter.js';
import { REPO_ROOT } from '../helpers/startTestServer.js';

describe('a database of schema version 1', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'schema-v1-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    // Made as the service of version 1 made it, with one ingested split.
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run(await readFile(path.join(REPO_ROOT, 'fixtures/schema/v1.sql'), 'utf8'));
    await conn.run(`INSERT INTO meta VALUES ('schema_version', '1')`);
    await conn.run(`INSERT INTO datasets VALUES (nextval('dataset_ids'), 'old', 'ready', NULL, now(), now())`);
    await conn.run(
      `INSERT INTO jobs VALUES ('job-1', 1, 'val', 'complete', '/a.json', '/img', '{}', NULL, NULL, '{"image_count": 1}', NULL, NULL, now(), now(), now())`,
    );
    await conn.run(`INSERT INTO categories VALUES (1, 1, 'person', 'person', NULL, NULL, NULL)`);
    await conn.run(`INSERT INTO samples VALUES (1, 1, 'job-1', 'val', 139, '000000000139.jpg', 640, 426, 1, '{"coco_url": "http://x/139.jpg"}')`);
    await conn.run(`INSERT INTO annotations VALUES (1, 1, 'job-1', 1, 139, 0, 10, 1, 1, 2, 3, 4, 12, false, '[[1,2,3,4,5,6]]', NULL, NULL, NULL, NULL)`);
    conn.closeSync();
    instance.closeSync();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is migrated when opened: its rows read as before, and new ingests append to the same tables', async () => {
    const db = await Database.open({ file });
    try {
      const [version] = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
      expect(version!.value).to.equal(String(SCHEMA_VERSION));
      const datasets = new DatasetRepository(db);
      const dataset = await datasets.getDataset(1);
      expect(dataset).to.include({ name: 'old', status: 'ready', image_count: 1, annotation_count: 1 });
      expect(dataset.prediction_sets).to.deep.equal([]);
      const { items } = await new SampleRepository(db).list({ datasetId: 1, offset: 0, limit: 10 });
      expect(items[0]).to.include({ coco_id: 139, file_name: '000000000139.jpg', coco_url: 'http://x/139.jpg' });
      await datasets.createJob({
        id: 'job-2',
        kind: 'ingest',
        datasetId: 1,
        split: 'train',
        annotationPath: '/b.json',
        imageDir: null,
        maskDir: null,
        options: {},
      });
      const ids = { samples: new IdSequence(1), annotations: new IdSequence(1), predictions: new IdSequence(0) };
      const writer = await DatasetWriter.begin(db, { datasetId: 1, jobId: 'job-2', split: 'train', file: 'b.json' }, ids);
      try {
        writer.addImage({ id: 7, file_name: null, width: 10, height: 10, license: null, image_ref: 'http://x/7.jpg', extra: null }, 0);
        await writer.commit(cocoFormat.rules, async () => undefined);
      } finally {
        await writer.close();
      }
      const [added] = await db.query(`SELECT file_name, image_ref FROM samples WHERE job_id = 'job-2'`);
      expect(added).to.deep.equal({ file_name: null, image_ref: 'http://x/7.jpg' });
    } finally {
      await db.close();
    }
  });

  it('is refused, naming both versions, by a build older than it', async () => {
    const db = await Database.open({ file });
    await db.write(`UPDATE meta SET value = '${SCHEMA_VERSION + 1}' WHERE key = 'schema_version'`);
    await db.close();
    const err = await Database.open({ file }).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err).to.include({ code: 'DATABASE_SCHEMA_MISMATCH' });
    expect(err!.message).to.include(`has schema version ${SCHEMA_VERSION + 1}, this build expects ${SCHEMA_VERSION}`);
  });
});

describe('a database of schema version 3', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'schema-v3-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    // Made as the service of version 3 made it: one panoptic split, its annotations and record with a sample_id column (null).
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run(await readFile(path.join(REPO_ROOT, 'fixtures/schema/v3.sql'), 'utf8'));
    await conn.run(`INSERT INTO meta VALUES ('schema_version', '3')`);
    await conn.run(`INSERT INTO datasets VALUES (nextval('dataset_ids'), 'old', 'ready', NULL, now(), now())`);
    await conn.run(
      `INSERT INTO jobs VALUES ('job-1', 1, 'val', 'complete', '/a.json', '/img', '{}', NULL, NULL, '{"image_count": 1, "format": "panoptic"}', NULL, NULL, now(), now(), now(), 'ingest', '/masks')`,
    );
    await conn.run(`INSERT INTO categories VALUES (1, 1, 'person', 'person', NULL, NULL, NULL)`);
    await conn.run(`INSERT INTO samples VALUES (1, 1, 'job-1', 'val', 139, '000000000139.jpg', 640, 426, 1, NULL, NULL, 0)`);
    await conn.run(
      `INSERT INTO annotations VALUES (1, 1, 'job-1', NULL, 139, 0, 3226956, 1, 1, 2, 3, 4, 12, false, '{"size":[426,640],"counts":"abc"}', NULL, NULL, NULL, NULL)`,
    );
    await conn.run(`INSERT INTO panoptic_records VALUES (1, 'job-1', NULL, 139, 0, '000000000139.png', NULL)`);
    conn.closeSync();
    instance.closeSync();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loses the always-null sample_id of annotations and panoptic records when opened, its rows reading as before, and gains mask_area', async () => {
    const db = await Database.open({ file });
    try {
      const [version] = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
      expect(version!.value).to.equal(String(SCHEMA_VERSION));
      const columns = await db.query(
        `SELECT table_name, column_name FROM duckdb_columns() WHERE table_name IN ('annotations', 'panoptic_records') AND column_name = 'sample_id'`,
      );
      expect(columns).to.deep.equal([]);
      const [record] = await db.query(`SELECT job_id, image_coco_id, record_index, file_name FROM panoptic_records`);
      expect(record).to.deep.equal({ job_id: 'job-1', image_coco_id: 139, record_index: 0, file_name: '000000000139.png' });
      const dataset = await new DatasetRepository(db).getDataset(1);
      expect(dataset).to.include({ status: 'ready', image_count: 1, annotation_count: 1 });
      const [annotation] = await new SampleRepository(db).annotations(1, 1);
      expect(annotation).to.include({ coco_id: 3226956, category_id: 1, category_name: 'person', area: 12, iscrowd: false, segment_id: 3226956 });
      expect(annotation!.bbox).to.deep.equal([1, 2, 3, 4]);
      expect(annotation!.segmentation).to.deep.equal({ size: [426, 640], counts: 'abc' });
      // Schema 8's RLE area: added at the end, null for a row stored before it (not worked out again).
      expect(await db.query('SELECT mask_area FROM annotations')).to.deep.equal([{ mask_area: null }]);
    } finally {
      await db.close();
    }
  });
});

describe('a database of schema version 7', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'schema-v7-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    // Today's schema less what versions 8 and 9 added: annotations without mask_area and check_flags, and the version said 7.
    const db = await Database.open({ file });
    await db.write('ALTER TABLE annotations DROP COLUMN check_flags');
    await db.write('ALTER TABLE annotations DROP COLUMN mask_area');
    await db.write(`UPDATE meta SET value = '7' WHERE key = 'schema_version'`);
    await db.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gains annotations.mask_area and then check_flags, as their last columns, when opened', async () => {
    const db = await Database.open({ file });
    try {
      const [version] = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
      expect(version!.value).to.equal(String(SCHEMA_VERSION));
      const columns = await db.query(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'annotations' ORDER BY column_index`);
      expect(columns.slice(-2)).to.deep.equal([{ column_name: 'mask_area' }, { column_name: 'check_flags' }]);
    } finally {
      await db.close();
    }
  });
});

describe('a database of schema version 9', () => {
  let dir: string;
  let file: string;
  /** The split counters as today's commit made them, before the database was taken back to version 9. */
  let committed: Record<string, Record<string, unknown>[]>;
  const SPLIT_COUNTERS = { split_stats: 'job_id', split_categories: 'category_id', split_annotation_counts: 'annotations' } as const;
  const ADDED_COLUMNS = ['crowd_images', 'noncrowd_images', 'small_images', 'medium_images', 'large_images'];

  async function splitCounters(db: Database): Promise<Record<string, Record<string, unknown>[]>> {
    const rows: Record<string, Record<string, unknown>[]> = {};
    for (const [table, order] of Object.entries(SPLIT_COUNTERS)) rows[table] = await db.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    return rows;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'schema-v9-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    // One split ingested today (image 1: a crowd and a small person; image 2: nothing), then split_stats and
    // split_categories without the columns version 10 added, sample_categories without its flags, no
    // split_annotation_counts, and the version said 9.
    const db = await Database.open({ file });
    const datasets = new DatasetRepository(db);
    const datasetId = await datasets.createDataset('old');
    await datasets.createJob({ id: 'job-1', kind: 'ingest', datasetId, split: 'val', annotationPath: '/a.json', imageDir: null, maskDir: null, options: {} });
    const ids = { samples: new IdSequence(0), annotations: new IdSequence(0), predictions: new IdSequence(0) };
    const writer = await DatasetWriter.begin(db, { datasetId, jobId: 'job-1', split: 'val', file: 'a.json' }, ids);
    try {
      writer.addImage({ id: 1, file_name: '1.jpg', width: 100, height: 100, license: null, image_ref: null, extra: null }, 0);
      writer.addImage({ id: 2, file_name: '2.jpg', width: 100, height: 100, license: null, image_ref: null, extra: null }, 1);
      const annotation = {
        image_id: 1,
        category_id: 1,
        bbox: [0, 0, 10, 10] as [number, number, number, number],
        segmentation: null,
        keypoints: null,
        num_keypoints: null,
        caption: null,
        extra: null,
      };
      writer.addAnnotation({ ...annotation, id: 1, area: 5000, iscrowd: true }, 0);
      writer.addAnnotation({ ...annotation, id: 2, area: 100, iscrowd: false }, 1);
      writer.addCategory({ id: 1, name: 'person', supercategory: null, keypoints: null, skeleton: null, extra: null }, 0);
      await writer.commit(
        cocoFormat.rules,
        datasets.completeJobInTransaction('job-1', { format: 'instances', image_count: 2, annotation_count: 2 }, { info: null, licenses: null }, datasetId),
      );
    } finally {
      await writer.close();
    }
    committed = await splitCounters(db);
    for (const column of ADDED_COLUMNS) {
      await db.write(`ALTER TABLE split_stats DROP COLUMN ${column}`);
      await db.write(`ALTER TABLE split_categories DROP COLUMN ${column}`);
    }
    await db.write('ALTER TABLE sample_categories DROP COLUMN category_flags');
    await db.write('DROP TABLE split_annotation_counts');
    await db.write(`UPDATE meta SET value = '9' WHERE key = 'schema_version'`);
    await db.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has its split counters made again from the per-sample ones, as a commit makes them, when opened', async () => {
    expect(committed.split_stats![0]).to.include({ images: 2, crowd_images: 1, noncrowd_images: 1, small_images: 1, medium_images: 1, large_images: 0 });
    expect(committed.split_categories![0]).to.include({ images: 1, crowd_images: 1, noncrowd_images: 1, small_images: 1, medium_images: 1, large_images: 0 });
    expect(committed.split_annotation_counts!.map((r) => [r.annotations, r.images])).to.deep.equal([
      [0, 1],
      [2, 1],
    ]);
    const db = await Database.open({ file });
    try {
      const [version] = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
      expect(version!.value).to.equal(String(SCHEMA_VERSION));
      // split_categories is made from sample_categories' groups here, from their flags at a commit: the same rows.
      expect(await splitCounters(db)).to.deep.equal(committed);
      const [flags] = await db.query('SELECT count(*) AS rows, count(category_flags) AS flagged FROM sample_categories');
      expect(flags).to.deep.equal({ rows: 2, flagged: 0 });
      const { total } = await new SampleRepository(db).list({ datasetId: 1, iscrowd: true, offset: 0, limit: 10 });
      expect(total).to.equal(1);
    } finally {
      await db.close();
    }
  });
});

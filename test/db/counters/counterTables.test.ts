import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { Database } from '../../../src/db/Database.js';
import { DatasetRepository } from '../../../src/db/DatasetRepository.js';
import { datasetStats } from '../../../src/db/datasetStats.js';
import { IdSequence } from '../../../src/db/IdSequence.js';
import { SampleRepository } from '../../../src/db/SampleRepository.js';
import { SCHEMA_VERSION } from '../../../src/db/schema.js';
import { cocoFormat } from '../../../src/formats/coco/cocoFormat.js';
import type { CocoAnnotation } from '../../../src/formats/records.js';
import { DatasetWriter } from '../../../src/pipeline/DatasetWriter.js';
import { REPO_ROOT } from '../../helpers/startTestServer.js';

/** One annotation of the hand-made splits: [id, image id, category id, area, iscrowd]. */
type Ann = [number, number, number, number, boolean];

// Split `val`: image 1 has a small and a medium person and a large crowd of dogs; image 2 two small dogs; image 3 nothing.
const VAL = {
  images: [1, 2, 3],
  annotations: [
    [1, 1, 1, 100, false],
    [2, 1, 1, 2000, false],
    [3, 1, 2, 10000, true],
    [4, 2, 2, 500, false],
    [5, 2, 2, 600, false],
  ] as Ann[],
};
// Split `train`: image 10 has one small person.
const TRAIN = { images: [10], annotations: [[6, 10, 1, 50, false]] as Ann[] };

const VAL_SAMPLE_COUNTS = [
  { sample_id: 1, annotations: 3, crowd: 1, small: 1, medium: 1, large: 1 },
  { sample_id: 2, annotations: 2, crowd: 0, small: 2, medium: 0, large: 0 },
  { sample_id: 3, annotations: 0, crowd: 0, small: 0, medium: 0, large: 0 },
];
const VAL_SAMPLE_CATEGORIES = [
  { sample_id: 1, category_id: 1, iscrowd: false, area_class: 'medium', annotations: 1 },
  { sample_id: 1, category_id: 1, iscrowd: false, area_class: 'small', annotations: 1 },
  { sample_id: 1, category_id: 2, iscrowd: true, area_class: 'large', annotations: 1 },
  { sample_id: 2, category_id: 2, iscrowd: false, area_class: 'small', annotations: 2 },
];
const VAL_SPLIT_STATS = {
  images: 3,
  annotations: 5,
  mean: 5 / 3,
  median: 2,
  max: 3,
  histogram: [1, 0, 1, 1, 0, 0, 0, 0],
  small: 3,
  medium: 1,
  large: 1,
  // Images with a crowd (1), with an annotation that is not one (1, 2), with a small (1, 2), medium (1) and large (1) one.
  crowd_images: 1,
  noncrowd_images: 2,
  small_images: 2,
  medium_images: 1,
  large_images: 1,
};
// One row of each sample and category has its flags (crowd 1, not a crowd 2, small 4, medium 8, large 16): image 1's
// persons are small and medium and not crowds (2 | 4 | 8), its dogs a large crowd (1 | 16); image 2's dogs small, not crowds (2 | 4).
const VAL_CATEGORY_FLAGS = [
  { sample_id: 1, category_id: 1, flagged: 1, flags: 14 },
  { sample_id: 1, category_id: 2, flagged: 1, flags: 17 },
  { sample_id: 2, category_id: 2, flagged: 1, flags: 6 },
];
// Images 3, 2 and 1 have 0, 2 and 3 annotations.
const VAL_ANNOTATION_COUNTS = [
  { annotations: 0, images: 1 },
  { annotations: 2, images: 1 },
  { annotations: 3, images: 1 },
];
const VAL_SPLIT_CATEGORIES = [
  // Persons: image 1's small and medium ones.
  { category_id: 1, annotations: 2, images: 1, crowd_images: 0, noncrowd_images: 1, small_images: 1, medium_images: 1, large_images: 0 },
  // Dogs: image 1's large crowd, image 2's two small ones.
  { category_id: 2, annotations: 3, images: 2, crowd_images: 1, noncrowd_images: 1, small_images: 1, medium_images: 0, large_images: 1 },
];

function annotation([id, imageId, categoryId, area, iscrowd]: Ann): CocoAnnotation {
  return {
    id,
    image_id: imageId,
    category_id: categoryId,
    bbox: [0, 0, 1, 1],
    area,
    iscrowd,
    segmentation: null,
    keypoints: null,
    num_keypoints: null,
    caption: null,
    extra: null,
  };
}

/** A counter table's rows of one job, without its dataset and job columns, in a stable order. */
async function rowsOf(db: Database, table: string, jobId: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const rows = await db.query(`SELECT * EXCLUDE (dataset_id, job_id) FROM ${table} WHERE job_id = ? ORDER BY ${orderBy}`, [jobId]);
  return rows.map((r) => ({ ...r, ...(Array.isArray(r.histogram) ? { histogram: r.histogram.map(Number) } : {}) }));
}

/** sample_counts and sample_categories as counted from scratch from the annotations (the reference, written here). */
async function fromScratch(db: Database, jobId: string): Promise<{ counts: Record<string, unknown>[]; categories: Record<string, unknown>[] }> {
  const counts = await db.query(
    `SELECT s.id AS sample_id, CAST(count(a.id) AS INTEGER) AS annotations, CAST(count(a.id) FILTER (WHERE a.iscrowd) AS INTEGER) AS crowd,
            CAST(count(a.id) FILTER (WHERE a.area < 1024) AS INTEGER) AS small, CAST(count(a.id) FILTER (WHERE a.area >= 1024 AND a.area < 9216) AS INTEGER) AS medium,
            CAST(count(a.id) FILTER (WHERE a.area >= 9216) AS INTEGER) AS large
     FROM samples s LEFT JOIN annotations a ON a.job_id = s.job_id AND a.image_coco_id = s.coco_id
     WHERE s.job_id = ? GROUP BY s.id ORDER BY s.id`,
    [jobId],
  );
  const categories = await db.query(
    `SELECT s.id AS sample_id, a.category_id, a.iscrowd, CASE WHEN a.area < 1024 THEN 'small' WHEN a.area < 9216 THEN 'medium' ELSE 'large' END AS area_class,
            CAST(count(*) AS INTEGER) AS annotations
     FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
     WHERE a.job_id = ? GROUP BY ALL ORDER BY sample_id, category_id, iscrowd, area_class`,
    [jobId],
  );
  return { counts, categories };
}

async function expectCountersOf(
  db: Database,
  jobId: string,
  expected: { counts: unknown[]; categories: unknown[]; split: unknown; splitCategories: unknown[]; annotationCounts: unknown[]; categoryFlags: unknown[] },
) {
  const counts = await rowsOf(db, 'sample_counts', jobId, 'sample_id');
  const categories = (await rowsOf(db, 'sample_categories', jobId, 'sample_id, category_id, iscrowd, area_class')).map(({ category_flags: _, ...row }) => row);
  expect(counts).to.deep.equal(expected.counts);
  expect(categories).to.deep.equal(expected.categories);
  const scratch = await fromScratch(db, jobId);
  expect(counts).to.deep.equal(scratch.counts);
  expect(categories).to.deep.equal(scratch.categories);
  expect(await rowsOf(db, 'split_stats', jobId, 'images')).to.deep.equal([expected.split]);
  expect(await rowsOf(db, 'split_categories', jobId, 'category_id')).to.deep.equal(expected.splitCategories);
  expect(await rowsOf(db, 'split_annotation_counts', jobId, 'annotations')).to.deep.equal(expected.annotationCounts);
  expect(await categoryFlags(db, jobId)).to.deep.equal(expected.categoryFlags);
}

/** Per sample and category of a job: how many of its sample_categories rows have flags, and the flags. */
async function categoryFlags(db: Database, jobId: string): Promise<Record<string, unknown>[]> {
  return db.query(
    `SELECT sample_id, category_id, CAST(count(category_flags) AS INTEGER) AS flagged, CAST(max(category_flags) AS INTEGER) AS flags
     FROM sample_categories WHERE job_id = ? GROUP BY ALL ORDER BY ALL`,
    [jobId],
  );
}

async function counterRows(db: Database): Promise<number> {
  const [row] = await db.query(
    `SELECT (SELECT count(*) FROM sample_counts) + (SELECT count(*) FROM sample_categories) + (SELECT count(*) FROM split_stats) + (SELECT count(*) FROM split_categories) +
            (SELECT count(*) FROM split_annotation_counts) AS n`,
  );
  return Number(row!.n);
}

describe('the counter tables', () => {
  let dir: string;
  let db: Database;
  let repo: DatasetRepository;
  let datasetId: number;
  const ids = { samples: new IdSequence(0), annotations: new IdSequence(0), predictions: new IdSequence(0) };

  async function ingest(jobId: string, split: string, data: { images: number[]; annotations: Ann[] }): Promise<void> {
    await repo.createJob({ id: jobId, kind: 'ingest', datasetId, split, annotationPath: `/${split}.json`, imageDir: null, maskDir: null, options: {} });
    const writer = await DatasetWriter.begin(db, { datasetId, jobId, split, file: `${split}.json` }, ids);
    try {
      data.images.forEach((id, i) => {
        writer.addImage({ id, file_name: `${id}.jpg`, width: 100, height: 100, license: null, image_ref: null, extra: null }, i);
      });
      data.annotations.forEach((a, i) => {
        writer.addAnnotation(annotation(a), i);
      });
      writer.addCategory({ id: 1, name: 'person', supercategory: null, keypoints: null, skeleton: null, extra: null }, 0);
      writer.addCategory({ id: 2, name: 'dog', supercategory: null, keypoints: null, skeleton: null, extra: null }, 1);
      const result = { format: 'instances', image_count: data.images.length, annotation_count: data.annotations.length };
      await writer.commit(cocoFormat.rules, repo.completeJobInTransaction(jobId, result, { info: null, licenses: null }, datasetId));
    } finally {
      await writer.close();
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'counters-'));
    db = await Database.open({ file: path.join(dir, 'coco-ingest.duckdb') });
    repo = new DatasetRepository(db);
    datasetId = await repo.createDataset('counted');
    ids.samples = new IdSequence(0);
    ids.annotations = new IdSequence(0);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hold, after an ingest, what a count from scratch of its annotations gives', async () => {
    await ingest('job-val', 'val', VAL);
    await expectCountersOf(db, 'job-val', {
      counts: VAL_SAMPLE_COUNTS,
      categories: VAL_SAMPLE_CATEGORIES,
      split: VAL_SPLIT_STATS,
      splitCategories: VAL_SPLIT_CATEGORIES,
      annotationCounts: VAL_ANNOTATION_COUNTS,
      categoryFlags: VAL_CATEGORY_FLAGS,
    });
  });

  it('of a second split are its own, and leave the first split’s as they were', async () => {
    await ingest('job-val', 'val', VAL);
    await ingest('job-train', 'train', TRAIN);
    await expectCountersOf(db, 'job-val', {
      counts: VAL_SAMPLE_COUNTS,
      categories: VAL_SAMPLE_CATEGORIES,
      split: VAL_SPLIT_STATS,
      splitCategories: VAL_SPLIT_CATEGORIES,
      annotationCounts: VAL_ANNOTATION_COUNTS,
      categoryFlags: VAL_CATEGORY_FLAGS,
    });
    await expectCountersOf(db, 'job-train', {
      counts: [{ sample_id: 4, annotations: 1, crowd: 0, small: 1, medium: 0, large: 0 }],
      categories: [{ sample_id: 4, category_id: 1, iscrowd: false, area_class: 'small', annotations: 1 }],
      split: {
        images: 1,
        annotations: 1,
        mean: 1,
        median: 1,
        max: 1,
        histogram: [0, 1, 0, 0, 0, 0, 0, 0],
        small: 1,
        medium: 0,
        large: 0,
        crowd_images: 0,
        noncrowd_images: 1,
        small_images: 1,
        medium_images: 0,
        large_images: 0,
      },
      splitCategories: [{ category_id: 1, annotations: 1, images: 1, crowd_images: 0, noncrowd_images: 1, small_images: 1, medium_images: 0, large_images: 0 }],
      annotationCounts: [{ annotations: 1, images: 1 }],
      // A small person that is not a crowd: 2 | 4.
      categoryFlags: [{ sample_id: 4, category_id: 1, flagged: 1, flags: 6 }],
    });
    const dataset = await repo.getDataset(datasetId);
    expect(dataset).to.include({ image_count: 4, annotation_count: 6, category_count: 2 });
    expect((dataset.categories as { name: string; annotation_count: number }[]).map((c) => [c.name, c.annotation_count])).to.deep.equal([
      ['person', 3],
      ['dog', 3],
    ]);
  });

  it('answer the filters and the statistics as the annotations do', async () => {
    await ingest('job-val', 'val', VAL);
    const samples = new SampleRepository(db);
    const idsOf = async (filter: Record<string, unknown>) => (await samples.list({ datasetId, offset: 0, limit: 10, ...filter })).items.map((s) => s.id);
    expect(await idsOf({ iscrowd: true })).to.deep.equal([1]);
    expect(await idsOf({ iscrowd: false })).to.deep.equal([1, 2]);
    expect(await idsOf({ area: 'large' })).to.deep.equal([1]);
    expect(await idsOf({ iscrowd: true, area: 'small' })).to.deep.equal([]);
    expect(await idsOf({ iscrowd: false, area: 'small' })).to.deep.equal([1, 2]);
    expect(await idsOf({ minAnnotations: 2 })).to.deep.equal([1, 2]);
    expect(await idsOf({ maxAnnotations: 0 })).to.deep.equal([3]);
    expect(await idsOf({ category: 'dog', area: 'small' })).to.deep.equal([2]);
    // One annotation must be both: image 1's crowd is of dogs, not persons.
    expect(await idsOf({ category: 'person', iscrowd: true })).to.deep.equal([]);
    const stats = await datasetStats(db, datasetId);
    expect(stats.splits[0]).to.deep.include({
      name: 'val',
      images: 3,
      annotations: 5,
      area: { small: 3, medium: 1, large: 1 },
      categories: [
        { id: 2, name: 'dog', annotations: 3, images: 2 },
        { id: 1, name: 'person', annotations: 2, images: 1 },
      ],
    });
    expect(stats.splits[0]!.annotations_per_image).to.deep.include({ mean: 5 / 3, median: 2, max: 3 });
  });

  it('give each page the total of the samples it keeps, read from the split counters where they count it', async () => {
    await ingest('job-val', 'val', VAL);
    await ingest('job-train', 'train', TRAIN);
    const samples = new SampleRepository(db);
    // Val's images 1-3 are samples 1-3, train's image 10 is sample 4; each total is counted by hand from VAL and TRAIN above.
    const cases: [Record<string, unknown>, number[]][] = [
      [{}, [1, 2, 3, 4]],
      [{ split: 'val' }, [1, 2, 3]],
      [{ iscrowd: true }, [1]],
      [{ iscrowd: false }, [1, 2, 4]],
      [{ area: 'small' }, [1, 2, 4]],
      [{ area: 'medium', split: 'train' }, []],
      [{ area: 'large' }, [1]],
      [{ category: 'person' }, [1, 4]],
      [{ category: 'person', split: 'train' }, [4]],
      [{ category: 'dog' }, [1, 2]],
      [{ category: 'dog', iscrowd: true }, [1]],
      [{ category: 'dog', iscrowd: false }, [2]],
      [{ category: 'person', iscrowd: true }, []],
      [{ category: 'dog', area: 'small' }, [2]],
      [{ category: 'person', area: 'small' }, [1, 4]],
      [{ category: 'cat' }, []],
      [{ minAnnotations: 2 }, [1, 2]],
      [{ maxAnnotations: 0 }, [3]],
      [{ minAnnotations: 1, maxAnnotations: 2, split: 'train' }, [4]],
      // Not counted by the counters: counted from the samples.
      [{ iscrowd: false, area: 'small' }, [1, 2, 4]],
      [{ category: 'dog', minAnnotations: 3 }, [1]],
    ];
    for (const [filter, ids] of cases) {
      const page = await samples.list({ datasetId, offset: 0, limit: 10, ...filter });
      expect({ filter, ids: page.items.map((s) => s.id), total: page.total }).to.deep.equal({ filter, ids, total: ids.length });
    }
    // Read, not counted: a counter changed by hand changes the total (and only the total) of the filters it counts.
    await db.write(`UPDATE split_stats SET crowd_images = 99 WHERE job_id = 'job-val'`);
    await db.write(`UPDATE split_categories SET small_images = 40 WHERE job_id = 'job-val' AND category_id = 2`);
    await db.write(`UPDATE split_annotation_counts SET images = 7 WHERE job_id = 'job-val' AND annotations = 0`);
    const totalOf = async (filter: Record<string, unknown>) => (await samples.list({ datasetId, offset: 0, limit: 10, ...filter })).total;
    expect(await totalOf({ iscrowd: true })).to.equal(99);
    expect(await totalOf({ category: 'dog', area: 'small' })).to.equal(40);
    expect(await totalOf({ maxAnnotations: 0 })).to.equal(7);
    expect(await totalOf({ iscrowd: false, area: 'small' })).to.equal(3);
  });

  it('are emptied with the dataset they count, in its deletion', async () => {
    await ingest('job-val', 'val', VAL);
    await ingest('job-train', 'train', TRAIN);
    expect(await counterRows(db)).to.equal(3 + 4 + 1 + 2 + 3 + 1 + 1 + 1 + 1 + 1);
    await repo.deleteDataset(datasetId);
    expect(await counterRows(db)).to.equal(0);
  });

  it('are emptied with the splits of a discarded upload', async () => {
    await ingest('job-val', 'val', VAL);
    await repo.discardUpload(datasetId, 'failed', 'the second split was invalid');
    expect(await counterRows(db)).to.equal(0);
    expect(await repo.getDataset(datasetId)).to.include({ image_count: 0, annotation_count: 0 });
  });
});

describe('a database of schema version 4', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'schema-v4-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    // Made as the service of version 4 made it, with split `val` ingested.
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run(await readFile(path.join(REPO_ROOT, 'fixtures/schema/v4.sql'), 'utf8'));
    await conn.run(`INSERT INTO meta VALUES ('schema_version', '4')`);
    await conn.run(`INSERT INTO datasets VALUES (nextval('dataset_ids'), 'old', 'ready', NULL, now(), now())`);
    await conn.run(
      `INSERT INTO jobs (id, dataset_id, split, status, annotation_path, options, result, created_at, finished_at, kind)
       VALUES ('job-val', 1, 'val', 'complete', '/val.json', '{}', '{"image_count": 3, "annotation_count": 5}', now(), now(), 'ingest')`,
    );
    await conn.run(`INSERT INTO categories VALUES (1, 1, 'person', NULL, NULL, NULL, NULL), (1, 2, 'dog', NULL, NULL, NULL, NULL)`);
    for (const [i, id] of VAL.images.entries()) {
      await conn.run(`INSERT INTO samples VALUES (${i + 1}, 1, 'job-val', 'val', ${id}, '${id}.jpg', 100, 100, NULL, NULL, NULL, ${i})`);
    }
    for (const [i, [id, image, category, area, crowd]] of VAL.annotations.entries()) {
      await conn.run(
        `INSERT INTO annotations VALUES (${id}, 1, 'job-val', ${image}, ${i}, ${id}, ${category}, 0, 0, 1, 1, ${area}, ${crowd}, NULL, NULL, NULL, NULL, NULL)`,
      );
    }
    conn.closeSync();
    instance.closeSync();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has its counters filled from its splits when opened', async () => {
    const db = await Database.open({ file });
    try {
      const [version] = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
      expect(version!.value).to.equal(String(SCHEMA_VERSION));
      await expectCountersOf(db, 'job-val', {
        counts: VAL_SAMPLE_COUNTS,
        categories: VAL_SAMPLE_CATEGORIES,
        split: VAL_SPLIT_STATS,
        splitCategories: VAL_SPLIT_CATEGORIES,
        annotationCounts: VAL_ANNOTATION_COUNTS,
        categoryFlags: VAL_CATEGORY_FLAGS,
      });
      expect(await new DatasetRepository(db).getDataset(1)).to.include({ image_count: 3, annotation_count: 5 });
    } finally {
      await db.close();
    }
  });
});

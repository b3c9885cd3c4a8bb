import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';
import { DatasetRepository } from '../../src/db/DatasetRepository.js';
import { IdSequence } from '../../src/db/IdSequence.js';
import { cocoFormat } from '../../src/formats/coco/cocoFormat.js';
import type { CocoAnnotation, CocoImage } from '../../src/formats/records.js';
import { DatasetWriter } from '../../src/pipeline/DatasetWriter.js';

const image = (id: number): CocoImage => ({
  id,
  file_name: `${id}.jpg`,
  width: 64,
  height: 48,
  license: null,
  image_ref: null,
  extra: id === 1 ? { coco_url: 'x' } : null,
});
const annotation = (id: number, imageId: number, categoryId: number | null = 1): CocoAnnotation => ({
  id,
  image_id: imageId,
  category_id: categoryId,
  bbox: [1, 2, 3, 4],
  area: 12,
  iscrowd: false,
  segmentation: [[1, 2, 3, 4, 5, 6]],
  keypoints: null,
  num_keypoints: null,
  caption: null,
  extra: null,
});

describe('DatasetWriter (real DuckDB file)', () => {
  let dir: string;
  let db: Database;
  let repo: DatasetRepository;
  const ids = { samples: new IdSequence(0), annotations: new IdSequence(0), predictions: new IdSequence(0) };
  /** The job's side of a commit, as the job lifecycle writes it: here only the dataset's status. */
  const ready = (datasetId: number) => async (conn: DuckDBConnection) => {
    await conn.run(`UPDATE datasets SET status = 'ready' WHERE id = ?`, [BigInt(datasetId)]);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'writer-'));
    db = await Database.open({ file: path.join(dir, 'test.duckdb') });
    repo = new DatasetRepository(db);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function begin(jobId: string) {
    const datasetId = await repo.createDataset('d');
    await repo.createJob({ id: jobId, kind: 'ingest', datasetId, split: 'val', annotationPath: '/a.json', imageDir: '/img', maskDir: null, options: {} });
    const writer = await DatasetWriter.begin(db, { datasetId, jobId, split: 'val', file: 'a.json' }, ids);
    return { datasetId, writer };
  }

  it('makes rows visible to readers only when it commits, with the dataset ready', async () => {
    const { datasetId, writer } = await begin('job-1');
    try {
      writer.addImage(image(1), 0);
      writer.addImage(image(2), 1);
      writer.addAnnotation(annotation(10, 1), 0);
      writer.addAnnotation(annotation(11, 2), 1);
      writer.addCategory({ id: 1, name: 'dog', supercategory: 'animal', keypoints: null, skeleton: null, extra: null }, 0);
      await writer.flush();
      expect((await db.query('SELECT count(*) AS n FROM samples'))[0]!.n).to.equal(0);
      await writer.commit(cocoFormat.rules, ready(datasetId));
    } finally {
      await writer.close();
    }
    const dataset = await repo.getDataset(datasetId);
    expect(dataset).to.include({ status: 'ready', image_count: 2, annotation_count: 2, category_count: 1 });
    // An annotation names its sample by the job and the image id, as the reads join them.
    const rows = await db.query('SELECT s.coco_id FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id ORDER BY a.id');
    expect(rows.map((r) => r.coco_id)).to.deep.equal([1, 2]);
  });

  it('accepts annotations that come before their images, keeping nothing per image while reading', async () => {
    const { writer, datasetId } = await begin('job-2');
    try {
      writer.addAnnotation(annotation(10, 7, null), 0);
      writer.addImage(image(7), 0);
      await writer.commit(cocoFormat.rules, ready(datasetId));
    } finally {
      await writer.close();
    }
    const [row] = await db.query('SELECT s.coco_id FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id');
    expect(row!.coco_id).to.equal(7);
  });

  it('leaves nothing behind when rolled back', async () => {
    const { writer } = await begin('job-3');
    try {
      writer.addImage(image(1), 0);
      writer.addAnnotation(annotation(10, 1, null), 0);
      await writer.flush();
    } finally {
      await writer.close();
    }
    expect((await db.query('SELECT count(*) AS n FROM samples'))[0]!.n).to.equal(0);
    expect((await db.query('SELECT count(*) AS n FROM annotations'))[0]!.n).to.equal(0);
  });

  const commitFails = async (fill: (w: DatasetWriter) => void, pattern: RegExp) => {
    const { writer, datasetId } = await begin(`job-${Math.random()}`);
    try {
      fill(writer);
      await writer.commit(cocoFormat.rules, ready(datasetId));
      expect.fail('commit should have failed');
    } catch (err) {
      expect((err as Error).message).to.match(pattern);
    } finally {
      await writer.close();
    }
    expect((await db.query('SELECT count(*) AS n FROM samples'))[0]!.n).to.equal(0);
  };

  it('fails the commit for a duplicate image id, naming both records', async () => {
    await commitFails((w) => {
      w.addImage(image(1), 0);
      w.addImage(image(2), 1);
      w.addImage(image(1), 5);
    }, /^a\.json: images\[5\]\.id: duplicate image id 1 \(first at images\[0\]\)$/);
  });

  it('fails the commit for an annotation of an unknown image', async () => {
    await commitFails((w) => {
      w.addImage(image(1), 0);
      w.addAnnotation(annotation(10, 99, null), 0);
    }, /a\.json: annotations\[0\]\.image_id: no image has id 99/);
  });

  it('fails the commit for duplicate annotation ids', async () => {
    await commitFails((w) => {
      w.addImage(image(1), 0);
      w.addAnnotation(annotation(10, 1, null), 0);
      w.addAnnotation(annotation(10, 1, null), 1);
    }, /annotations\[1\]\.id: duplicate annotation id 10 \(first at annotations\[0\]\)/);
  });

  it('fails the commit for an annotation id repeated after a higher one (ids that stop rising are searched for duplicates)', async () => {
    await commitFails((w) => {
      w.addImage(image(1), 0);
      w.addImage(image(3), 1);
      w.addImage(image(2), 2);
      w.addImage(image(3), 3);
      w.addAnnotation(annotation(10, 1, null), 0);
    }, /images\[3\]\.id: duplicate image id 3 \(first at images\[1\]\)/);
    await commitFails((w) => {
      w.addImage(image(1), 0);
      w.addAnnotation(annotation(10, 1, null), 0);
      w.addAnnotation(annotation(20, 1, null), 1);
      w.addAnnotation(annotation(10, 1, null), 2);
    }, /annotations\[2\]\.id: duplicate annotation id 10 \(first at annotations\[0\]\)/);
  });

  it('fails the commit for an annotation of an unknown category', async () => {
    await commitFails((w) => {
      w.addImage(image(1), 0);
      w.addAnnotation(annotation(10, 1, 5), 0);
    }, /annotations\[0\]\.category_id: no category has id 5 \(the file has no categories\)/);
  });
});

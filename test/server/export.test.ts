import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { ingest, postPredictions } from '../helpers/ingest.js';
import { LoopbackFileServer } from '../helpers/LoopbackFileServer.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer, useTestServer } from '../helpers/startTestServer.js';

const ANNOTATIONS = path.join(SAMPLE_DIR, 'annotations');
const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, 'utf8'));
}

/** GETs an export and returns its response with the parsed JSON body. */
async function exportJson(server: TestServer, datasetId: number, query: string): Promise<{ response: Response; body: any }> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/export?${query}`);
  const text = await response.text();
  return { response, body: JSON.parse(text) };
}

describe('GET /datasets/{id}/export', function () {
  this.timeout(60_000);
  const server = useTestServer();

  for (const file of ['instances_val.json', 'instances_train.json', 'person_keypoints_val.json', 'captions_val.json', 'lvis_val.json', 'image_info_val.json']) {
    it(`gives back ${file} as it went in, field for field`, async () => {
      const annotationPath = path.join(ANNOTATIONS, file);
      const done = await ingest(server, { annotation_path: annotationPath, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: `round-trip ${file}` });
      expect(done.event, JSON.stringify(done)).to.equal('complete');
      const { response, body } = await exportJson(server, done.dataset_id, `split=${done.split}`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      expect(response.headers.get('content-disposition')).to.equal(`attachment; filename="round-trip_${file}-${done.split}.json"`);
      expect(body).to.deep.equal(await readJson(annotationPath));
    });
  }

  it('exports a dataset of two splits as one file: the splits in the order they were ingested, info and licenses of the first', async () => {
    const val = await readJson(path.join(ANNOTATIONS, 'instances_val.json'));
    const train = await readJson(path.join(ANNOTATIONS, 'instances_train.json'));
    const first = await ingest(server, {
      annotation_path: path.join(ANNOTATIONS, 'instances_val.json'),
      image_dir: VAL_IMAGES,
      thumbnails: 'none',
      dataset_name: 'two splits',
    });
    const second = await ingest(server, { annotation_path: path.join(ANNOTATIONS, 'instances_train.json'), dataset_id: first.dataset_id, thumbnails: 'none' });
    expect(second.event, JSON.stringify(second)).to.equal('complete');
    const { body } = await exportJson(server, first.dataset_id, '');
    expect(body.info).to.deep.equal(val.info);
    expect(body.images).to.deep.equal([...val.images, ...train.images]);
    expect(body.annotations).to.deep.equal([...val.annotations, ...train.annotations]);
    const { body: trainOnly } = await exportJson(server, first.dataset_id, `split=${second.split}`);
    expect(trainOnly.images).to.deep.equal(train.images);
  });

  it('keeps, for category=, the images with an annotation of it and all their annotations: a valid dataset', async () => {
    const annotationPath = path.join(ANNOTATIONS, 'instances_val.json');
    const original = await readJson(annotationPath);
    const done = await ingest(server, { annotation_path: annotationPath, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: 'subset' });
    const category = original.categories.find((c: any) => original.annotations.some((a: any) => a.category_id === c.id))!;
    const { body } = await exportJson(server, done.dataset_id, `category=${encodeURIComponent(category.name)}`);
    const kept = new Set(original.annotations.filter((a: any) => a.category_id === category.id).map((a: any) => a.image_id));
    expect(body.images).to.deep.equal(original.images.filter((i: any) => kept.has(i.id)));
    expect(body.annotations).to.deep.equal(original.annotations.filter((a: any) => kept.has(a.image_id)));
    expect(body.categories).to.deep.equal(original.categories);
    expect(body.info).to.deep.equal(original.info);
    expect(kept.size).to.be.greaterThan(0).and.lessThan(original.images.length);
  });

  it('exports a prediction set as the COCO results file it was loaded from', async () => {
    const done = await ingest(server, {
      annotation_path: path.join(ANNOTATIONS, 'instances_val.json'),
      image_dir: VAL_IMAGES,
      thumbnails: 'none',
      dataset_name: 'with predictions',
    });
    const resultsPath = path.join(ANNOTATIONS, 'results_val.json');
    const loaded = await postPredictions(server, done.dataset_id, { annotation_path: resultsPath, name: 'yolo-v9' });
    expect(loaded.event).to.equal('complete');
    const { response, body } = await exportJson(server, done.dataset_id, 'predictions=yolo-v9');
    expect(response.headers.get('content-disposition')).to.equal('attachment; filename="with_predictions-yolo-v9.json"');
    expect(body).to.deep.equal(await readJson(resultsPath));
  });

  it('exports a panoptic split in detection form: each segment an annotation with its RLE, as panopticapi converts it', async () => {
    const panopticPath = path.join(ANNOTATIONS, 'panoptic_val.json');
    const original = await readJson(panopticPath);
    const done = await ingest(server, { annotation_path: panopticPath, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: 'panoptic' });
    expect(done.event, JSON.stringify(done)).to.equal('complete');
    const { body } = await exportJson(server, done.dataset_id, '');
    expect(body.images).to.deep.equal(original.images);
    expect(body.categories).to.deep.equal(original.categories);
    const segments = original.annotations.flatMap((record: any) => record.segments_info.map((s: any) => ({ ...s, image_id: record.image_id })));
    expect(body.annotations.map((a: any) => a.id)).to.deep.equal(segments.map((s: any) => s.id));
    for (const [k, annotation] of body.annotations.entries()) {
      const segment = segments[k];
      expect(annotation).to.include({ image_id: segment.image_id, category_id: segment.category_id, iscrowd: segment.iscrowd, area: segment.area });
      expect(annotation.bbox).to.deep.equal(segment.bbox);
      expect(annotation.segmentation.counts).to.be.a('string');
      const image = original.images.find((i: any) => i.id === segment.image_id);
      expect(annotation.segmentation.size).to.deep.equal([image.height, image.width]);
    }
  });

  it('writes a table as Parquet through DuckDB, which reads it back', async () => {
    const annotationPath = path.join(ANNOTATIONS, 'instances_val.json');
    const original = await readJson(annotationPath);
    const done = await ingest(server, { annotation_path: annotationPath, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: 'parquet' });
    const response = await fetch(`${server.url}/datasets/${done.dataset_id}/export?format=parquet&table=annotations`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-disposition')).to.equal('attachment; filename="parquet-annotations.parquet"');
    const file = path.join(os.tmpdir(), `export-test-${process.pid}.parquet`);
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const rows = (await conn.runAndReadAll(`SELECT coco_id, image_coco_id, area FROM read_parquet('${file}') ORDER BY id`)).getRowObjectsJS();
      expect(rows.map((r) => Number(r.coco_id))).to.deep.equal(original.annotations.map((a: any) => a.id));
      expect(rows.map((r) => r.area)).to.deep.equal(original.annotations.map((a: any) => a.area));
    } finally {
      conn.closeSync();
      instance.closeSync();
      await rm(file, { force: true });
    }
    // Nothing is left behind on the server.
    const leftovers = await readdir(path.join(server.dataDir, 'exports'));
    expect(leftovers).to.deep.equal([]);
  });

  it('refuses an unknown split, category or prediction set (404) and a malformed query (400), naming it', async () => {
    const done = await ingest(server, {
      annotation_path: path.join(ANNOTATIONS, 'instances_val.json'),
      image_dir: VAL_IMAGES,
      thumbnails: 'none',
      dataset_name: 'refusals',
    });
    const id = done.dataset_id;
    const split = await getJson(`${server.url}/datasets/${id}/export?split=nope`);
    expect(split.status).to.equal(404);
    expect(split.body.error.message).to.include('"nope"');
    expect((await getJson(`${server.url}/datasets/${id}/export?category=unicorn`)).status).to.equal(404);
    expect((await getJson(`${server.url}/datasets/${id}/export?predictions=none-such`)).status).to.equal(404);
    expect((await getJson(`${server.url}/datasets/999999/export`)).status).to.equal(404);
    const parquet = await getJson(`${server.url}/datasets/${id}/export?format=parquet`);
    expect(parquet.status).to.equal(400);
    expect(parquet.body.error.message).to.include('table is needed with format=parquet');
    expect((await getJson(`${server.url}/datasets/${id}/export?format=xml`)).status).to.equal(400);
  });
});

describe('GET /datasets/{id}/export while the dataset is being ingested', function () {
  this.timeout(60_000);
  let web: LoopbackFileServer;
  let server: TestServer;

  before(async () => {
    web = await LoopbackFileServer.start(SAMPLE_DIR);
    server = await startTestServer({}, [`${web.url}/images`]);
  });
  after(async () => {
    await server?.stop();
    await web?.stop();
  });

  it('answers 409 CONFLICT naming the running job until its first split is complete, then the file', async () => {
    // The images come from a web server that holds every answer until the test lets them go: the ingest runs until then.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let imageAsked!: () => void;
    const asked = new Promise<void>((resolve) => (imageAsked = resolve));
    web.fault((r) => {
      if (!r.path.startsWith('/images/val/')) return null;
      imageAsked();
      return { until: held };
    });
    const annotationPath = path.join(ANNOTATIONS, 'instances_val.json');
    const job = await postIngest(server.url, { annotation_path: annotationPath, image_dir: `${web.url}/images/val`, split: 'val', dataset_name: 'held' });
    const events = followJob(server.url, job.job_id);
    try {
      await asked;
      for (const query of ['', '?split=val']) {
        const running = await getJson(`${server.url}/datasets/${job.dataset_id}/export${query}`);
        expect(running.status, query).to.equal(409);
        expect(running.body.error.code).to.equal('CONFLICT');
        expect(running.body.error.message).to.include(`ingest (job ${job.job_id}) is still running`);
      }
    } finally {
      release();
    }
    expect(terminalOf(await events)!.event).to.equal('complete');
    const { response, body } = await exportJson(server, job.dataset_id, 'split=val');
    expect(response.status).to.equal(200);
    expect(body).to.deep.equal(await readJson(annotationPath));
  });
});

import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MAX_STORE_FAILURES_IN_ROW } from '../../src/pipeline/StoreFailureStreak.js';
import { exportedHashes } from '../helpers/exportedHashes.js';
import { ingest, runHashJob } from '../helpers/ingest.js';
import { LoopbackFileServer } from '../helpers/LoopbackFileServer.js';
import { makeDataset } from '../helpers/makeDataset.js';
import { getJson, terminalOf } from '../helpers/sse.js';
import { startTestServer, type TestServer, useTestServer } from '../helpers/startTestServer.js';
import { UNREADABLE, type UnreadableDataset, writeUnreadableDataset } from '../helpers/unreadableDataset.js';

interface Sample {
  id: number;
  file_name: string;
  image_error: { code: string; message: string } | null;
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('the hash job of a dataset ingested without thumbnails, one image a text file and one missing', function () {
  this.timeout(60_000);
  const server = useTestServer();
  let dataset: UnreadableDataset;
  let datasetId: number;
  let complete: Record<string, any>;

  /** Every sample of the dataset, one page (the dataset has four). */
  const samples = async (filter = ''): Promise<{ items: Sample[]; total: number }> =>
    (await getJson(`${server.url}/samples?dataset_id=${datasetId}${filter}`)).body;

  before(async () => {
    dataset = await writeUnreadableDataset(path.join(server.scratch, 'd'), 2);
    const ingested = await ingest(server, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir, thumbnails: 'none' });
    expect(ingested.event, JSON.stringify(ingested)).to.equal('complete');
    datasetId = ingested.dataset_id;
    // Its images were never read: no failure yet.
    expect((await samples()).items.map((s) => s.image_error)).to.deep.equal([null, null, null, null]);
    complete = terminalOf((await runHashJob(server, datasetId)).events)!;
  });

  it('completes, counting the images it hashed, and those it could not by code as an ingest does', () => {
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    expect(complete.data).to.include({ hashed: 2, failed: 2 });
    expect(complete.data.failures).to.deep.equal({ IMAGE_UNSUPPORTED: 1, IMAGE_MISSING: 1 });
  });

  it('records each failure with its sample, so that the grid, its has_image_error filter and the sample view show it', async () => {
    const { items, total } = await samples();
    expect(total).to.equal(4);
    expect(items).to.have.length(4);
    for (const sample of items) {
      const code = UNREADABLE[sample.file_name];
      if (code === undefined) expect(sample.image_error, sample.file_name).to.equal(null);
      else {
        expect(sample.image_error?.code, sample.file_name).to.equal(code);
        expect(sample.image_error?.message).to.include(sample.file_name);
      }
    }
    const failed = await samples('&has_image_error=true');
    expect(failed.items.map((s) => s.file_name).sort()).to.deep.equal(Object.keys(UNREADABLE).sort());
    const missing = items.find((s) => s.file_name === 'missing.jpg')!;
    const view = await getJson(`${server.url}/samples/${missing.id}?dataset_id=${datasetId}`);
    expect(view.body.image_error).to.include({ code: 'IMAGE_MISSING' });
    const original = await getJson(`${server.url}/images/${datasetId}/${missing.id}?size=original`);
    expect(original.status).to.equal(404);
    expect(original.body.error.code).to.equal('IMAGE_MISSING');
  });

  it('stores the SHA-256 of each readable file and no hash for the others', async () => {
    const hashes = await exportedHashes(server, datasetId);
    for (const name of dataset.photos) {
      expect(hashes.get(name)!.content_hash, name).to.equal(await sha256(path.join(dataset.imageDir, name)));
      expect(hashes.get(name)!.phash, name).to.be.a('bigint');
    }
    for (const name of Object.keys(UNREADABLE)) expect(hashes.get(name), name).to.deep.equal({ content_hash: null, phash: null });
  });

  it('reads the failed images again when run again, replacing their failures (each sample listed once), and clears them once the files are fixed', async () => {
    const again = terminalOf((await runHashJob(server, datasetId)).events)!;
    expect(again.data).to.include({ hashed: 0, failed: 2 });
    expect(again.data.failures).to.deep.equal({ IMAGE_UNSUPPORTED: 1, IMAGE_MISSING: 1 });
    const twice = await samples();
    expect(twice.total).to.equal(4);
    expect(twice.items).to.have.length(4);
    expect(new Set(twice.items.map((s) => s.id)).size).to.equal(4);
    expect((await samples('&has_image_error=true')).total).to.equal(2);

    const photo = path.join(dataset.imageDir, dataset.photos[0]!);
    await copyFile(photo, path.join(dataset.imageDir, 'missing.jpg'));
    await rm(path.join(dataset.imageDir, 'notes.jpg'));
    await copyFile(path.join(dataset.imageDir, dataset.photos[1]!), path.join(dataset.imageDir, 'notes.jpg'));
    const fixed = terminalOf((await runHashJob(server, datasetId)).events)!;
    expect(fixed.data).to.include({ hashed: 2, failed: 0 });
    expect(fixed.data.failures).to.deep.equal({});
    const after = await samples();
    expect(after.items.map((s) => s.image_error)).to.deep.equal([null, null, null, null]);
    const hashes = await exportedHashes(server, datasetId);
    expect(hashes.get('missing.jpg')!.content_hash).to.equal(await sha256(photo));
    const missing = after.items.find((s) => s.file_name === 'missing.jpg')!;
    expect((await fetch(`${server.url}/images/${datasetId}/${missing.id}?size=original`)).status).to.equal(200);
  });
});

describe('the hash job of a dataset whose ingest with thumbnails recorded an image failure', function () {
  this.timeout(60_000);
  const server = useTestServer();

  it('reads the image again, counts its failure, and leaves the sample the one failure its ingest recorded, until the file reads', async () => {
    const dataset = await writeUnreadableDataset(path.join(server.scratch, 'd'), 1);
    const ingested = await ingest(server, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
    expect(ingested.event, JSON.stringify(ingested)).to.equal('complete');
    expect(ingested.failures).to.deep.equal({ IMAGE_UNSUPPORTED: 1, IMAGE_MISSING: 1 });
    const datasetId = ingested.dataset_id;

    const complete = terminalOf((await runHashJob(server, datasetId)).events)!;
    expect(complete.data).to.include({ hashed: 0, failed: 2 });
    expect(complete.data.failures).to.deep.equal({ IMAGE_UNSUPPORTED: 1, IMAGE_MISSING: 1 });
    const { body } = await getJson(`${server.url}/samples?dataset_id=${datasetId}`);
    expect(body.total).to.equal(3);
    expect(body.items.map((s: Sample) => [s.file_name, s.image_error?.code ?? null])).to.have.deep.members([
      [dataset.photos[0], null],
      ['notes.jpg', 'IMAGE_UNSUPPORTED'],
      ['missing.jpg', 'IMAGE_MISSING'],
    ]);

    // The files put right, the next hash job reads them: the ingest's failures go, and the thumbnails are made on demand.
    await copyFile(path.join(dataset.imageDir, dataset.photos[0]!), path.join(dataset.imageDir, 'missing.jpg'));
    await rm(path.join(dataset.imageDir, 'notes.jpg'));
    await copyFile(path.join(dataset.imageDir, dataset.photos[0]!), path.join(dataset.imageDir, 'notes.jpg'));
    const fixed = terminalOf((await runHashJob(server, datasetId)).events)!;
    expect(fixed.data).to.include({ hashed: 2, failed: 0 });
    const after = (await getJson(`${server.url}/samples?dataset_id=${datasetId}`)).body;
    expect(after.items.map((s: Sample) => s.image_error)).to.deep.equal([null, null, null]);
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&has_image_error=true`)).body.total).to.equal(0);
    for (const sample of after.items as Sample[]) {
      const thumbnail = await fetch(`${server.url}/images/${datasetId}/${sample.id}?size=medium`);
      expect(thumbnail.status, sample.file_name).to.equal(200);
      expect(thumbnail.headers.get('content-type'), sample.file_name).to.equal('image/webp');
    }
  });
});

describe('the hash job of a dataset whose images are behind a web server that stops answering', function () {
  this.timeout(60_000);
  const images = 40;
  let dir: string;
  let web: LoopbackFileServer;
  let server: TestServer;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-hash-store-'));
    await makeDataset(dir, images);
    web = await LoopbackFileServer.start(dir);
    // No retries: each image fails at its first 503, so the test waits on nothing.
    server = await startTestServer({ HTTP_MAX_RETRIES: '0' }, [dir, `${web.url}/images`]);
  });
  after(async () => {
    await server?.stop();
    await web?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`stops with IMAGE_SOURCE_UNAVAILABLE after ${MAX_STORE_FAILURES_IN_ROW} images in a row fail because the store does, storing nothing`, async () => {
    const ingested = await ingest(server, { annotation_path: path.join(dir, 'instances_big.json'), image_dir: `${web.url}/images`, thumbnails: 'none' });
    expect(ingested.event, JSON.stringify(ingested)).to.equal('complete');
    web.fault(() => ({ status: 503 }));
    const terminal = terminalOf((await runHashJob(server, ingested.dataset_id)).events)!;
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('failed');
    expect(terminal.data.code).to.equal('IMAGE_SOURCE_UNAVAILABLE');
    expect(terminal.data.message).to.match(new RegExp(`^${MAX_STORE_FAILURES_IN_ROW} images in a row could not be read from `));
    // All or nothing: no failure is kept for the images it did try.
    const failed = (await getJson(`${server.url}/samples?dataset_id=${ingested.dataset_id}&has_image_error=true`)).body;
    expect(failed.total).to.equal(0);
  });
});

import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { type StorageEmulatorHandle, sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import { emulatorClient } from '../../bench/harness/uploadFolder.js';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { BROKEN_DIR, SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const BUCKET = 'thumbnail-bucket-test';
const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

describe('thumbnails kept in a bucket (THUMBNAIL_BUCKET, against the emulator)', function () {
  this.timeout(60_000);
  let emulator: StorageEmulatorHandle;
  let server: TestServer;
  let datasetId: number;
  let jobId: string;

  const objectsUnder = async (prefix: string) => {
    const [files] = await emulatorClient(emulator).bucket(BUCKET).getFiles({ prefix });
    return files.map((f) => f.name).sort();
  };

  before(async () => {
    emulator = await sharedStorageEmulator();
    server = await startTestServer({
      THUMBNAIL_BUCKET: `gs://${BUCKET}/cache/`,
      GCS_ENDPOINT: emulator.endpoint,
      GCS_PROJECT_ID: emulator.projectId,
      // Every thumbnail request then reads the bucket, not the memory cache.
      THUMBNAIL_CACHE_BYTES: '0',
    });
    const job = await postIngest(server.url, { annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES });
    const complete = terminalOf(await followJob(server.url, job.job_id))!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    datasetId = job.dataset_id;
    jobId = job.job_id;
  });
  after(async () => {
    await server?.stop();
  });

  it('writes each ingest-time thumbnail to the bucket, and none under DATA_DIR', async () => {
    const { images } = cocoCounts(INSTANCES_VAL);
    const names = await objectsUnder(`cache/${datasetId}/${jobId}/medium/`);
    expect(names).to.have.length(images);
    expect(existsSync(path.join(server.dataDir, 'thumbnails', String(datasetId)))).to.equal(false);
  });

  it('serves a thumbnail with the bytes the bucket holds', async () => {
    const { body } = await getJson(`${server.url}/samples?dataset_id=${datasetId}&limit=1`);
    const sampleId = body.items[0].id;
    const response = await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=medium`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('image/webp');
    const [stored] = await emulatorClient(emulator).bucket(BUCKET).file(`cache/${datasetId}/${jobId}/medium/${sampleId}.webp`).download();
    expect(Buffer.from(await response.arrayBuffer()).equals(stored)).to.equal(true);
  });

  it('makes an on-demand size into the bucket, once', async () => {
    const { body } = await getJson(`${server.url}/samples?dataset_id=${datasetId}&limit=1`);
    const sampleId = body.items[0].id;
    const [first, second] = await Promise.all([
      fetch(`${server.url}/images/${datasetId}/${sampleId}?size=large`),
      fetch(`${server.url}/images/${datasetId}/${sampleId}?size=large`),
    ]);
    expect([first.status, second.status]).to.deep.equal([200, 200]);
    expect(Buffer.from(await first.arrayBuffer()).equals(Buffer.from(await second.arrayBuffer()))).to.equal(true);
    expect(await objectsUnder(`cache/${datasetId}/${jobId}/large/`)).to.deep.equal([`cache/${datasetId}/${jobId}/large/${sampleId}.webp`]);
  });

  it('removes a failed job’s thumbnails from the bucket', async () => {
    // This file fails only at the whole-file check, after every thumbnail has been stored.
    const job = await postIngest(server.url, { annotation_path: path.join(BROKEN_DIR, 'unknown-image.json'), image_dir: VAL_IMAGES });
    const events = await followJob(server.url, job.job_id);
    const stored = events.filter((e) => e.event === 'progress' && e.data.stage === 'thumbnails' && e.data.done === true);
    expect(stored.at(-1)?.data).to.include({ current: 3, failed: 0 });
    expect(terminalOf(events)!.data).to.include({ code: 'INVALID_ANNOTATION_FILE' });
    expect(await objectsUnder(`cache/${job.dataset_id}/`)).to.deep.equal([]);
  });

  it('removes a deleted dataset’s thumbnails from the bucket', async () => {
    const response = await fetch(`${server.url}/datasets/${datasetId}`, { method: 'DELETE' });
    expect(response.status).to.equal(204);
    expect(await objectsUnder(`cache/${datasetId}/`)).to.deep.equal([]);
  });
});

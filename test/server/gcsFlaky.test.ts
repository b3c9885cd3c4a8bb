import path from 'node:path';
import { expect } from 'chai';
import { LoopbackProxy } from '../../bench/harness/LoopbackProxy.js';
import { type StorageEmulatorHandle, sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import { uploadFolder } from '../../bench/harness/uploadFolder.js';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const BUCKET = 'gcs-flaky-test';
const GS = `gs://${BUCKET}/coco`;
const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');

describe('gs:// ingests over a network that drops and delays requests', function () {
  this.timeout(60_000);
  let emulator: StorageEmulatorHandle;
  let proxy: LoopbackProxy | null = null;
  let server: TestServer | null = null;

  before(async () => {
    emulator = await sharedStorageEmulator();
    await uploadFolder(emulator, SAMPLE_DIR, BUCKET, 'coco');
  });
  afterEach(async () => {
    await server?.stop();
    await proxy?.stop();
    server = null;
    proxy = null;
  });

  async function serveThrough(p: LoopbackProxy, env: Record<string, string> = {}): Promise<TestServer> {
    return startTestServer({
      INGEST_ROOTS: GS,
      GCS_ENDPOINT: p.endpoint,
      GCS_PROJECT_ID: emulator.projectId,
      GCS_STALL_TIMEOUT_MS: '300',
      ...env,
    });
  }

  it('completes with every thumbnail when a third of the downloads are cut off mid-body, and every request delayed', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, {
      delayMs: 5,
      fault: ({ index, line }) => (line.includes('alt=media') && index % 3 === 0 ? { cutAfterBytes: 2_000 + 700 * (index % 5) } : null),
    });
    server = await serveThrough(proxy, { IMAGE_READ_CONCURRENCY: '4' });
    const counts = cocoCounts(INSTANCES_VAL);
    const job = await postIngest(server.url, { annotation_path: `${GS}/annotations/instances_val.json`, image_dir: `${GS}/images/val` });
    const complete = terminalOf(await followJob(server.url, job.job_id))!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    expect(complete.data).to.deep.include({ image_count: counts.images, annotation_count: counts.annotations, failures: {} });
    expect(complete.data.thumbnails).to.deep.include({ generated: counts.images, failed: 0 });
    expect(proxy.faults).to.be.at.least(3);
  });

  it('records an image as IMAGE_READ_FAILED, naming the object, when the store never answers for it', async () => {
    // The annotation file arrives; no image download is ever answered.
    proxy = await LoopbackProxy.start(emulator.endpoint, {
      fault: ({ line }) => (line.includes('alt=media') && line.includes('%2Fimages%2F') ? { stallAfterBytes: 0 } : null),
    });
    server = await serveThrough(proxy, { GCS_MAX_RETRIES: '1', IMAGE_READ_CONCURRENCY: '16' });
    const job = await postIngest(server.url, {
      annotation_path: `${GS}/annotations/instances_val.json`,
      image_dir: `${GS}/images/val`,
      thumbnails: 3,
    });
    const complete = terminalOf(await followJob(server.url, job.job_id))!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    expect(complete.data.failures).to.deep.equal({ IMAGE_READ_FAILED: 3 });
    const { body } = await getJson(`${server.url}/samples?dataset_id=${job.dataset_id}&limit=3`);
    const failed = body.items.filter((s: any) => s.image_error !== null);
    expect(failed).to.have.length(3);
    expect(failed[0].image_error.message).to.include(`${GS}/images/val/${failed[0].file_name}`);
  });

  it('answers 502 naming the object when the store cannot be reached at all, and keeps serving', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint);
    server = await serveThrough(proxy, { GCS_MAX_RETRIES: '0' });
    await proxy.stop();
    proxy = null;
    const response = await fetch(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: `${GS}/annotations/instances_val.json`, image_dir: `${GS}/images/val` }),
    });
    expect(response.status).to.equal(502);
    const body = (await response.json()) as any;
    expect(body.error.code).to.equal('OBJECT_READ_FAILED');
    expect(body.error.message).to.match(new RegExp(`^annotation_path: ${GS}/annotations/instances_val.json: `));
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
  });
});

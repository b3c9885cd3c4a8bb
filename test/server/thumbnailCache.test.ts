import { rm } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { followJob, getJson, postIngest } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');
const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');

async function ingestVal(server: TestServer): Promise<{ datasetId: number; sampleId: number }> {
  const job = await postIngest(server.url, { annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES });
  await followJob(server.url, job.job_id);
  const { body } = await getJson(`${server.url}/samples?dataset_id=${job.dataset_id}&limit=1`);
  return { datasetId: job.dataset_id, sampleId: body.items[0].id };
}

describe('serving thumbnails from memory', function () {
  this.timeout(60_000);
  let server: TestServer;

  afterEach(async () => {
    await server?.stop();
  });

  it('answers a thumbnail it served before from memory, with the same bytes and ETag', async () => {
    server = await startTestServer();
    const { datasetId, sampleId } = await ingestVal(server);
    const first = await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=medium`);
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(server.service.thumbnailCache.bytes).to.equal(bytes.length);
    // The file goes; the cached copy still answers, so the second answer cannot come from disk.
    await rm(path.join(server.dataDir, 'thumbnails', String(datasetId)), { recursive: true });
    const second = await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=medium`);
    expect(second.status).to.equal(200);
    expect(second.headers.get('content-type')).to.equal('image/webp');
    expect(second.headers.get('etag')).to.equal(first.headers.get('etag'));
    expect(Buffer.from(await second.arrayBuffer()).equals(bytes)).to.equal(true);
  });

  it('forgets a deleted dataset’s thumbnails', async () => {
    server = await startTestServer();
    const { datasetId, sampleId } = await ingestVal(server);
    expect((await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=small`)).status).to.equal(200);
    expect(server.service.thumbnailCache.bytes).to.be.greaterThan(0);
    expect((await fetch(`${server.url}/datasets/${datasetId}`, { method: 'DELETE' })).status).to.equal(204);
    expect(server.service.thumbnailCache.bytes).to.equal(0);
    const gone = await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=small`);
    expect(gone.status).to.equal(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).to.be.a('string');
  });

  it('keeps nothing in memory when THUMBNAIL_CACHE_BYTES is 0, and reads the file each time', async () => {
    server = await startTestServer({ THUMBNAIL_CACHE_BYTES: '0' });
    const { datasetId, sampleId } = await ingestVal(server);
    expect((await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=medium`)).status).to.equal(200);
    expect(server.service.thumbnailCache.bytes).to.equal(0);
    await rm(path.join(server.dataDir, 'thumbnails', String(datasetId)), { recursive: true });
    // Not cached, so the missing file is made again on demand.
    const again = await fetch(`${server.url}/images/${datasetId}/${sampleId}?size=medium`);
    expect(again.status).to.equal(200);
  });
});

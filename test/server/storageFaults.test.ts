import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { makeDataset } from '../helpers/makeDataset.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const VAL = {
  annotation_path: path.join(SAMPLE_DIR, 'annotations/instances_val.json'),
  image_dir: path.join(SAMPLE_DIR, 'images/val'),
};

describe('storage faults and overload', function () {
  this.timeout(120_000);
  let server: TestServer;
  afterEach(async () => {
    await server?.stop();
  });

  it('fails the ingest clearly when thumbnails cannot be written, and keeps serving', async () => {
    server = await startTestServer();
    // A file where the thumbnail folder should be: every write under it fails, as on a broken or full disk.
    const root = path.join(server.dataDir, 'thumbnails');
    await rm(root, { recursive: true, force: true });
    await writeFile(root, 'not a folder');
    const job = await postIngest(server.url, VAL);
    const failed = terminalOf(await followJob(server.url, job.job_id))!;
    expect(failed.event).to.equal('failed');
    expect(failed.data.code).to.equal('THUMBNAIL_STORAGE_FAILED');
    expect(failed.data.message).to.match(/^thumbnails cannot be written to DATA_DIR\/thumbnails: .*\((ENOTDIR|EEXIST)\)/);
    expect((await getJson(`${server.url}/datasets/${job.dataset_id}`)).body.status).to.equal('failed');
    expect((await getJson(`${server.url}/healthz`)).status).to.equal(200);
    const metadataOnly = await postIngest(server.url, { ...VAL, thumbnails: 'none' });
    expect(terminalOf(await followJob(server.url, metadataOnly.job_id))!.event).to.equal('complete');
    expect((await getJson(`${server.url}/datasets/${metadataOnly.dataset_id}`)).body.status).to.equal('ready');
  });

  it('answers on-demand requests past the queue limit with 503 and Retry-After, then drains', async () => {
    server = await startTestServer({ WORKERS: '1' });
    const dir = path.join(server.scratch, 'flood');
    await mkdir(dir, { recursive: true });
    const { annotationPath, imageDir } = await makeDataset(dir, 150);
    const job = await postIngest(server.url, { annotation_path: annotationPath, image_dir: imageDir, thumbnails: 'none' });
    await followJob(server.url, job.job_id);
    const samples: { id: number }[] = [];
    for (let offset = 0; offset < 150; offset += 50) {
      samples.push(...(await getJson(`${server.url}/samples?dataset_id=${job.dataset_id}&limit=50&offset=${offset}`)).body.items);
    }
    const responses = await Promise.all(
      samples.map(async (s) => {
        const response = await fetch(`${server.url}/images/${job.dataset_id}/${s.id}?size=large`);
        const body = response.headers.get('content-type')?.includes('json') ? ((await response.json()) as { error: { code: string } }) : null;
        if (!body) await response.arrayBuffer();
        return { id: s.id, status: response.status, retryAfter: response.headers.get('retry-after'), code: body?.error.code };
      }),
    );
    const busy = responses.filter((r) => r.status === 503);
    expect(busy.length).to.be.greaterThan(0);
    expect(responses.filter((r) => r.status === 200).length).to.be.at.least(64);
    expect(responses.every((r) => r.status === 200 || r.status === 503)).to.equal(true);
    for (const r of busy) {
      expect(r.code).to.equal('THUMBNAIL_BUSY');
      expect(Number(r.retryAfter)).to.be.greaterThan(0);
    }
    // Drained: asked again one at a time, every one of them is made.
    for (const r of busy) expect((await fetch(`${server.url}/images/${job.dataset_id}/${r.id}?size=large`)).status).to.equal(200);
  });
});

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { makeDataset } from '../helpers/makeDataset.js';
import { followJob, getJson, postIngest, type ReceivedEvent, readEventStream, terminalOf } from '../helpers/sse.js';
import { BROKEN_DIR, SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

/** Opens a job's stream and resolves at the first event matching `until`, leaving the stream open. */
async function waitForEvent(url: string, jobId: string, until: (e: ReceivedEvent) => boolean, abort?: AbortController) {
  const response = await fetch(`${url}/jobs/${jobId}/events`, { headers: { accept: 'text/event-stream' }, signal: abort?.signal });
  return new Promise<ReceivedEvent>((resolve, reject) => {
    let seen = false;
    readEventStream(response, (e) => {
      if (!seen && until(e)) {
        seen = true;
        resolve(e);
      }
    }).then(
      () => (seen ? undefined : reject(new Error('stream ended before the awaited event'))),
      (err: unknown) => (seen ? undefined : reject(err)),
    );
  });
}

const thumbnailsStarted = (e: ReceivedEvent) => e.event === 'progress' && e.data.stage === 'thumbnails' && Number(e.data.current) > 0;

describe('job lifecycle', function () {
  this.timeout(60_000);
  let server: TestServer;
  let url: string;
  let big: { annotationPath: string; imageDir: string };

  /** Ingests an annotation file against the fixture's val images. */
  const ingestWithValImages = (annotationPath: string, extra: Record<string, unknown> = {}) =>
    postIngest(url, { annotation_path: annotationPath, image_dir: path.join(SAMPLE_DIR, 'images/val'), ...extra });

  before(async () => {
    server = await startTestServer({ WORKERS: '1', MAX_CONCURRENT_JOBS: '1', SSE_KEEPALIVE_MS: '100' });
    url = server.url;
    big = await makeDataset(path.join(server.scratch, 'big'), 1500);
  });
  after(async () => {
    await server.stop();
  });

  it('cancels a running job: it ends cancelled, its dataset shows cancelled with no samples, its thumbnails are gone', async () => {
    const job = await postIngest(url, { annotation_path: big.annotationPath, image_dir: big.imageDir });
    await waitForEvent(url, job.job_id, thumbnailsStarted);
    const cancelled = await getJson(`${url}/jobs/${job.job_id}`, { method: 'DELETE' });
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body.status).to.equal('cancelled');
    // The DELETE answers once the job has ended: by then no worker is busy with its images.
    expect(server.service.pool.stats).to.include({ running: 0, queued: 0 });
    const events = await followJob(url, job.job_id);
    expect(terminalOf(events)!.event).to.equal('cancelled');
    const dataset = await getJson(`${url}/datasets/${job.dataset_id}`);
    expect(dataset.body.status).to.equal('cancelled');
    expect(dataset.body.image_count).to.equal(0);
    const samples = await getJson(`${url}/samples?dataset_id=${job.dataset_id}`);
    expect(samples.body.total).to.equal(0);
    const thumbDir = path.join(server.dataDir, 'thumbnails', String(job.dataset_id));
    const left = await readdir(thumbDir).catch(() => []);
    expect(left).to.deep.equal([]);
  });

  it('keeps a second job queued until the first ends, and cancels it without starting it', async () => {
    const first = await postIngest(url, { annotation_path: big.annotationPath, image_dir: big.imageDir });
    const second = await ingestWithValImages(path.join(SAMPLE_DIR, 'annotations/instances_val.json'));
    await waitForEvent(url, first.job_id, thumbnailsStarted);
    const queued = await getJson(`${url}/jobs/${second.job_id}`);
    expect(queued.body.status).to.equal('queued');
    const cancel = await getJson(`${url}/jobs/${second.job_id}`, { method: 'DELETE' });
    expect(cancel.body.status).to.equal('cancelled');
    expect(cancel.body.started_at).to.equal(null);
    await getJson(`${url}/jobs/${first.job_id}`, { method: 'DELETE' });
  });

  it('sends keep-alive comments on the stream of a job that is waiting in the queue', async () => {
    const first = await postIngest(url, { annotation_path: big.annotationPath, image_dir: big.imageDir });
    const second = await ingestWithValImages(path.join(SAMPLE_DIR, 'annotations/captions_val.json'), { thumbnails: 'none' });
    const watcher = new AbortController();
    const response = await fetch(`${url}/jobs/${second.job_id}/events`, { signal: watcher.signal });
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (/^:/m.test(text)) break;
    }
    watcher.abort();
    expect(text).to.match(/^:/m);
    expect((await getJson(`${url}/jobs/${second.job_id}`)).body.status).to.equal('queued');
    await getJson(`${url}/jobs/${second.job_id}`, { method: 'DELETE' });
    await getJson(`${url}/jobs/${first.job_id}`, { method: 'DELETE' });
  });

  it('goes on when its only watcher disconnects', async () => {
    const job = await postIngest(url, { annotation_path: big.annotationPath, image_dir: big.imageDir });
    const watcher = new AbortController();
    const first = await waitForEvent(url, job.job_id, thumbnailsStarted, watcher);
    watcher.abort();
    const later = await waitForEvent(
      url,
      job.job_id,
      (e) => e.event === 'progress' && e.data.stage === 'thumbnails' && Number(e.data.current) > Number(first.data.current),
    );
    expect(later.id).to.be.greaterThan(first.id);
    const status = await getJson(`${url}/jobs/${job.job_id}`);
    expect(status.body.status).to.equal('running');
    await getJson(`${url}/jobs/${job.job_id}`, { method: 'DELETE' });
  });

  it('answers 409 when cancelling a job that already ended', async () => {
    const job = await ingestWithValImages(path.join(SAMPLE_DIR, 'annotations/captions_val.json'), { thumbnails: 'none' });
    await followJob(url, job.job_id);
    const again = await getJson(`${url}/jobs/${job.job_id}`, { method: 'DELETE' });
    expect(again.status).to.equal(409);
  });

  it('fails a job on an invalid record, naming the file, record and field, and leaves nothing ready', async () => {
    const job = await ingestWithValImages(path.join(BROKEN_DIR, 'bad-bbox.json'));
    const events = await followJob(url, job.job_id);
    const end = terminalOf(events)!;
    expect(end.event).to.equal('failed');
    expect(end.data.message).to.match(/bad-bbox\.json: annotations\[2\]\.bbox/);
    const dataset = await getJson(`${url}/datasets/${job.dataset_id}`);
    expect(dataset.body.status).to.equal('failed');
    expect(dataset.body.error).to.match(/annotations\[2\]\.bbox/);
    expect((await getJson(`${url}/samples?dataset_id=${job.dataset_id}`)).body.total).to.equal(0);
    const stored = await getJson(`${url}/jobs/${job.job_id}`);
    expect(stored.body.status).to.equal('failed');
    expect(stored.body.error.code).to.equal('INVALID_ANNOTATION_FILE');
  });

  it('fails a job whose annotations name an unknown image', async () => {
    const job = await ingestWithValImages(path.join(BROKEN_DIR, 'unknown-image.json'), { thumbnails: 'none' });
    const end = terminalOf(await followJob(url, job.job_id))!;
    expect(end.event).to.equal('failed');
    expect(end.data.message).to.match(/unknown-image\.json: annotations\[\d+\]\.image_id: no image has id 999999/);
  });

  it('keeps a dataset ready with its earlier split when an added split fails, and records the error', async () => {
    const good = await ingestWithValImages(path.join(SAMPLE_DIR, 'annotations/instances_val.json'), { thumbnails: 'none' });
    await followJob(url, good.job_id);
    const bad = await ingestWithValImages(path.join(BROKEN_DIR, 'bad-bbox.json'), { dataset_id: good.dataset_id, split: 'extra' });
    expect(terminalOf(await followJob(url, bad.job_id))!.event).to.equal('failed');
    const dataset = await getJson(`${url}/datasets/${good.dataset_id}`);
    expect(dataset.body).to.include({ status: 'ready', image_count: 12 });
    expect(dataset.body.split_names).to.deep.equal(['val']);
    expect(dataset.body.error).to.match(/bad-bbox\.json: annotations\[2\]\.bbox/);
  });

  it("cancels a dataset's running ingest when the dataset is deleted", async () => {
    const job = await postIngest(url, { annotation_path: big.annotationPath, image_dir: big.imageDir });
    await waitForEvent(url, job.job_id, thumbnailsStarted);
    const response = await fetch(`${url}/datasets/${job.dataset_id}`, { method: 'DELETE' });
    expect(response.status).to.equal(204);
    expect(terminalOf(await followJob(url, job.job_id))!.event).to.equal('cancelled');
    expect((await getJson(`${url}/datasets/${job.dataset_id}`)).status).to.equal(404);
    expect(await readdir(path.join(server.dataDir, 'thumbnails', String(job.dataset_id))).catch(() => 'gone')).to.equal('gone');
  });

  it('deletes a dataset: 204, then 404, and its thumbnails are removed', async () => {
    const job = await ingestWithValImages(path.join(SAMPLE_DIR, 'annotations/instances_val.json'), { thumbnails: 2 });
    await followJob(url, job.job_id);
    const thumbDir = path.join(server.dataDir, 'thumbnails', String(job.dataset_id));
    expect(await readdir(thumbDir)).to.have.length(1);
    const response = await fetch(`${url}/datasets/${job.dataset_id}`, { method: 'DELETE' });
    expect(response.status).to.equal(204);
    expect((await getJson(`${url}/datasets/${job.dataset_id}`)).status).to.equal(404);
    expect(await readdir(thumbDir).catch(() => 'gone')).to.equal('gone');
  });
});

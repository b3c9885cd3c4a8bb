import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { followJob, getJson, postIngest, type ReceivedEvent, readEventStream, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, useTestServer } from '../helpers/startTestServer.js';
import { type ZipEntry, zipOf } from '../helpers/zipOf.js';

const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');

/** Checks what every progress event carries: a fraction in [0, 1) that never decreases, and a time left and a rate that are null or a number. */
function expectFigures(events: ReceivedEvent[]): void {
  const progress = events.filter((e) => e.event === 'progress');
  expect(progress.length).to.be.at.least(2);
  let last = 0;
  for (const { id, data } of progress) {
    expect(data.fraction, `event ${id}`).to.be.a('number').within(0, 0.999);
    expect(data.fraction as number, `event ${id} goes back`).to.be.at.least(last);
    last = data.fraction as number;
    for (const key of ['eta_seconds', 'rate']) {
      if (data[key] !== null) expect(data[key], `event ${id} ${key}`).to.be.a('number').at.least(0);
    }
  }
  const terminal = terminalOf(events)!;
  expect(terminal.event).to.equal('complete');
  expect(terminal.data).to.include({ fraction: 1, eta_seconds: 0 });
}

describe('the figures of progress events (fraction, eta_seconds, rate)', function () {
  this.timeout(60_000);
  const server = useTestServer();
  const counts = cocoCounts(INSTANCES_VAL);

  it("gives an ingest a fraction that only grows, below 1 until complete, and the thumbnails the file's image count once its images are read", async () => {
    const job = await postIngest(server.url, { annotation_path: INSTANCES_VAL, image_dir: path.join(SAMPLE_DIR, 'images/val') });
    const events = await followJob(server.url, job.job_id);
    expectFigures(events);
    expect(events[0]!.data).to.include({ stage: 'queued', fraction: 0, eta_seconds: null, rate: null });
    const imagesRead = events.findIndex((e) => e.data.stage === 'images' && e.data.done === true);
    expect(imagesRead).to.be.greaterThan(-1);
    const thumbnailsAfter = events.slice(imagesRead).filter((e) => e.data.stage === 'thumbnails');
    expect(thumbnailsAfter.length).to.be.greaterThan(0);
    for (const e of thumbnailsAfter) expect(e.data.total, `event ${e.id}`).to.equal(counts.images);
    // GET /jobs/{id} says the same once the job is over.
    const { body } = await getJson(`${server.url}/jobs/${job.job_id}`);
    expect(body).to.include({ status: 'complete', fraction: 1, eta_seconds: null });
  });

  it('gives a prediction load the same figures', async () => {
    const job = await postIngest(server.url, { annotation_path: INSTANCES_VAL, image_dir: path.join(SAMPLE_DIR, 'images/val'), thumbnails: 'none' });
    await followJob(server.url, job.job_id);
    const response = await fetch(`${server.url}/datasets/${job.dataset_id}/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: path.join(SAMPLE_DIR, 'annotations/results_val.json'), name: 'detector' }),
    });
    const accepted = (await response.json()) as { job_id: string };
    const events = await followJob(server.url, accepted.job_id);
    expectFigures(events);
    expect(events.some((e) => e.data.stage === 'results')).to.equal(true);
  });

  it('gives an upload the same figures through its bytes, its unpacking and its split, which says it is the first of one', async () => {
    const entries: ZipEntry[] = [
      ['annotations/instances_val.json', INSTANCES_VAL],
      ...readdirSync(path.join(SAMPLE_DIR, 'images/val')).map((name): ZipEntry => [`val/${name}`, path.join(SAMPLE_DIR, 'images/val', name)]),
    ];
    const response = await fetch(`${server.url}/datasets/upload`, {
      method: 'POST',
      body: await zipOf(entries),
      headers: { 'content-type': 'application/zip', accept: 'text/event-stream' },
    });
    const events = await readEventStream(response);
    expectFigures(events);
    const stages = new Set(events.map((e) => e.data.stage));
    for (const stage of ['upload', 'unpack', 'images', 'thumbnails']) expect(stages, stage).to.include(stage);
    for (const e of events.filter((e) => e.data.split !== undefined))
      expect(e.data, `event ${e.id}`).to.include({ split: 'val', split_index: 0, split_count: 1 });
  });
});

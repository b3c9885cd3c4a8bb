import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CHANNELS, type JobEndedMessage } from '../../src/diagnostics/channels.js';
import type { Job } from '../../src/jobs/Job.js';
import { followJob, getJson, type ReceivedEvent, readEventStream, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, type TestServer, useTestServer } from '../helpers/startTestServer.js';
import { type ZipEntry, zipOf } from '../helpers/zipOf.js';

const ANNOTATIONS = path.join(SAMPLE_DIR, 'annotations');
const IMAGES = path.join(SAMPLE_DIR, 'images');

/** The fixture's images of a split, placed under `folder` in an archive. */
async function imagesOf(split: 'train' | 'val', folder: string): Promise<ZipEntry[]> {
  const names = await readdir(path.join(IMAGES, split));
  return names.map((name) => [`${folder}/${name}`, path.join(IMAGES, split, name)]);
}

/** The fixture's two splits in the COCO layout: annotations/instances_<split>.json, <split>/. */
async function cocoArchive(top = ''): Promise<Buffer> {
  return zipOf([
    [`${top}annotations/instances_train.json`, path.join(ANNOTATIONS, 'instances_train.json')],
    [`${top}annotations/instances_val.json`, path.join(ANNOTATIONS, 'instances_val.json')],
    [`${top}annotations/captions_val.json`, path.join(ANNOTATIONS, 'captions_val.json')],
    ...(await imagesOf('train', `${top}train`)),
    ...(await imagesOf('val', `${top}val`)),
  ]);
}

/** POSTs an archive as a form's `file` field, as browsers and `curl -F` do. */
async function uploadForm(server: TestServer, archive: Buffer, fileName: string, query = '', headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([archive], { type: 'application/zip' }), fileName);
  return fetch(`${server.url}/datasets/upload${query}`, { method: 'POST', body: form, headers });
}

/** POSTs an archive as the body itself. */
function uploadZip(server: TestServer, archive: Buffer, query = ''): Promise<Response> {
  return fetch(`${server.url}/datasets/upload${query}`, { method: 'POST', body: archive, headers: { 'content-type': 'application/zip' } });
}

/** Uploads, expects the 202, and follows the job to its end. */
async function uploadAndFollow(server: TestServer, response: Promise<Response>): Promise<{ accepted: any; events: ReceivedEvent[]; terminal: ReceivedEvent }> {
  const answer = await response;
  const accepted = (await answer.json()) as any;
  expect(answer.status, JSON.stringify(accepted)).to.equal(202);
  const events = await followJob(server.url, accepted.job_id);
  return { accepted, events, terminal: terminalOf(events)! };
}

/** Resolves with the next job of `server` to end (the pipeline says so on its diagnostics channel). */
function nextJobEnd(server: TestServer): Promise<JobEndedMessage> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      const m = message as JobEndedMessage;
      if (m.owner !== server.service.jobs) return;
      unsubscribe(CHANNELS.jobEnded.name, listener);
      resolve(m);
    };
    subscribe(CHANNELS.jobEnded.name, listener);
  });
}

/** Opens a raw upload of `length` bytes, and resolves with the answer when the server sends one. */
function rawUpload(
  server: TestServer,
  length: number,
): { req: ReturnType<typeof httpRequest>; answered: Promise<{ status: number; headers: Record<string, unknown>; body: any }> } {
  const { port } = new URL(server.url);
  const req = httpRequest({
    port,
    host: '127.0.0.1',
    method: 'POST',
    path: '/datasets/upload',
    headers: { 'content-type': 'application/zip', 'content-length': length },
  });
  req.flushHeaders();
  const answered = new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  return { req, answered };
}

/** Resolves with the next `count` jobs of `server` to end. */
function jobEnds(server: TestServer, count: number): Promise<JobEndedMessage[]> {
  return new Promise((resolve) => {
    const ended: JobEndedMessage[] = [];
    const listener = (message: unknown) => {
      const m = message as JobEndedMessage;
      if (m.owner !== server.service.jobs) return;
      ended.push(m);
      if (ended.length < count) return;
      unsubscribe(CHANNELS.jobEnded.name, listener);
      resolve(ended);
    };
    subscribe(CHANNELS.jobEnded.name, listener);
  });
}

/**
 * Sends an upload's headers (its whole length) and the first `sent` bytes of
 * `archive`, then closes the connection once they are on the wire.
 */
function vanishingUpload(server: TestServer, archive: Buffer, sent: number): void {
  const { req } = rawUpload(server, archive.length);
  req.on('error', () => undefined);
  req.write(archive.subarray(0, sent), () => req.destroy());
}

/** The datasets `server` lists. */
async function datasetIds(server: TestServer): Promise<number[]> {
  return (await getJson(`${server.url}/datasets`)).body.items.map((d: any) => d.id);
}

/** Resolves with `server`'s upload job once its first bytes have arrived. */
function receivingUpload(server: TestServer): Promise<Job> {
  return new Promise((resolve) => {
    const check = () => {
      const job = server.service.jobs.list().find((j) => j.spec.kind === 'upload' && !j.finished);
      if (job && (job.stages.upload?.current ?? 0) > 0) resolve(job);
      else setImmediate(check);
    };
    check();
  });
}

describe('POST /datasets/upload', function () {
  this.timeout(60_000);
  const server = useTestServer({ MAX_UPLOAD_BYTES: String(2 ** 50) });

  it('takes a COCO-layout zip from a form, and ingests every split into one dataset named after it, as one job', async () => {
    const { accepted, events, terminal } = await uploadAndFollow(server, uploadForm(server, await cocoArchive(), 'coco-sample.zip'));
    expect(accepted).to.include({ archive: 'coco-sample.zip' });
    expect(accepted.status).to.be.oneOf(['queued', 'running']);
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    expect(terminal.data).to.include({ layout: 'coco', image_count: 20, annotation_count: 76, category_count: 10 });
    expect(terminal.data.message).to.match(/from a coco archive \(splits train, val\)/);
    expect((terminal.data.splits as any[]).map((s) => [s.split, s.image_count])).to.deep.equal([
      ['train', 8],
      ['val', 12],
    ]);
    // One stream: the bytes, the unpacking, then each split's stages, tagged with the split.
    const stages = events.filter((e) => e.event === 'progress').map((e) => `${String(e.data.split ?? '')}:${String(e.data.stage)}`);
    expect(stages).to.include.members([':upload', ':unpack', 'train:images', 'train:thumbnails', 'val:images', 'val:thumbnails']);
    expect(stages.indexOf(':unpack')).to.be.below(stages.indexOf('train:images'));
    const upload = events.find((e) => e.data.stage === 'upload' && e.data.current === e.data.total);
    expect(upload, 'the upload stage reaches its total').to.not.equal(undefined);
    const warning = events.find((e) => e.event === 'warning');
    expect(warning?.data).to.include({ code: 'UPLOAD_FILES_IGNORED' });
    expect(warning?.data.message).to.include('annotations/captions_val.json');

    const { body: dataset } = await getJson(`${server.url}/datasets/${accepted.dataset_id}`);
    expect(dataset).to.include({ name: 'coco-sample', status: 'ready', image_count: 20 });
    expect(dataset.split_names).to.have.members(['train', 'val']);
    // The plugins heard of each split once the upload was complete.
    expect(Object.keys(dataset.plugins['category-stats'].splits)).to.have.members(['train', 'val']);
    const { body: job } = await getJson(`${server.url}/jobs/${accepted.job_id}`);
    expect(job).to.include({ kind: 'upload', archive: 'coco-sample.zip', status: 'complete' });
    // Each split is an ingest of its own, recorded as part of the upload.
    const { body: jobs } = await getJson(`${server.url}/jobs?limit=10`);
    const splits = jobs.items.filter((j: any) => j.upload_job_id === accepted.job_id);
    expect(splits.map((j: any) => [j.kind, j.split, j.status]).sort()).to.deep.equal([
      ['ingest', 'train', 'complete'],
      ['ingest', 'val', 'complete'],
    ]);
    // The images stay with the dataset: a thumbnail is served, and made again on demand.
    const { body: page } = await getJson(`${server.url}/samples?dataset_id=${accepted.dataset_id}&limit=1`);
    const image = await fetch(`${server.url}/images/${accepted.dataset_id}/${page.items[0].id}?size=large`);
    expect(image.status).to.equal(200);
    expect(image.headers.get('content-type')).to.equal('image/webp');
  });

  it("names an upload's files as its archive does in every answer, never where the service keeps them", async () => {
    const { accepted, events, terminal } = await uploadAndFollow(server, uploadForm(server, await cocoArchive('wrapped/'), 'private.zip', '?thumbnails=none'));
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    const { body: dataset } = await getJson(`${server.url}/datasets/${accepted.dataset_id}`);
    expect(dataset.splits.map((s: any) => [s.name, s.annotation_path, s.image_dir])).to.deep.equal([
      ['train', 'wrapped/annotations/instances_train.json', 'wrapped/train'],
      ['val', 'wrapped/annotations/instances_val.json', 'wrapped/val'],
    ]);
    const { body: jobs } = await getJson(`${server.url}/jobs?limit=10`);
    const splitJobs = jobs.items.filter((j: any) => j.upload_job_id === accepted.job_id);
    expect(splitJobs.map((j: any) => [j.split, j.annotation_path, j.image_dir]).sort()).to.deep.equal([
      ['train', 'wrapped/annotations/instances_train.json', 'wrapped/train'],
      ['val', 'wrapped/annotations/instances_val.json', 'wrapped/val'],
    ]);
    const answers = [dataset, jobs, events.map((e) => e.data)];
    for (const job of [accepted.job_id, ...splitJobs.map((j: any) => j.id)]) {
      answers.push((await getJson(`${server.url}/jobs/${job}`)).body);
      answers.push((await followJob(server.url, job)).map((e) => e.data));
    }
    const uploads = path.join(server.dataDir, 'uploads');
    for (const answer of answers) expect(JSON.stringify(answer)).to.not.include(uploads);
  });

  it('exports an uploaded split as the file that went in', async () => {
    const { accepted, terminal } = await uploadAndFollow(server, uploadZip(server, await cocoArchive('wrapped/'), '?thumbnails=none'));
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    const exported = await (await fetch(`${server.url}/datasets/${accepted.dataset_id}/export?split=val`)).json();
    expect(exported).to.deep.equal(JSON.parse(await readFile(path.join(ANNOTATIONS, 'instances_val.json'), 'utf8')));
  });

  it('takes a Roboflow export as a zip body, keeping its extra category named after the project as it is', async () => {
    const val = JSON.parse(await readFile(path.join(ANNOTATIONS, 'instances_val.json'), 'utf8'));
    const roboflow = {
      ...val,
      categories: [{ id: 0, name: 'my-project', supercategory: 'none' }, ...val.categories.map((c: any) => ({ ...c, supercategory: 'my-project' }))],
    };
    const archive = await zipOf([
      ['README.roboflow.txt', Buffer.from('exported from roboflow')],
      ['valid/_annotations.coco.json', Buffer.from(JSON.stringify(roboflow))],
      ...(await imagesOf('val', 'valid')),
    ]);
    const { accepted, terminal } = await uploadAndFollow(server, uploadZip(server, archive, '?dataset_name=From%20Roboflow&file_name=my-project.v1.coco.zip'));
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    expect(terminal.data).to.include({ layout: 'roboflow', image_count: 12, category_count: 11 });
    expect(accepted.archive).to.equal('my-project.v1.coco.zip');
    const { body: dataset } = await getJson(`${server.url}/datasets/${accepted.dataset_id}`);
    expect(dataset).to.include({ name: 'From Roboflow' });
    expect(dataset.split_names).to.deep.equal(['valid']);
    expect(dataset.categories.find((c: any) => c.id === 0)).to.include({ name: 'my-project', supercategory: 'none' });
  });

  it("takes a CVAT export and answers with the job's event stream when asked for one", async () => {
    const archive = await zipOf([
      ['annotations/instances_default.json', path.join(ANNOTATIONS, 'instances_val.json')],
      ...(await imagesOf('val', 'images/default')),
    ]);
    const form = new FormData();
    form.append('file', new Blob([archive]), 'task_7.zip');
    const response = await fetch(`${server.url}/datasets/upload`, { method: 'POST', body: form, headers: { accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const events = await readEventStream(response);
    const terminal = terminalOf(events)!;
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    expect(terminal.data).to.include({ layout: 'cvat', image_count: 12 });
    expect(events[0]!.data).to.include({ stage: 'upload' });
  });

  it('fails an archive of no known layout, naming what it found, and leaves an empty failed dataset without its files', async () => {
    const archive = await zipOf([
      ['photos/a.jpg', path.join(IMAGES, 'val', '000000000139.jpg')],
      ['labels.json', Buffer.from('{}')],
    ]);
    const { accepted, terminal } = await uploadAndFollow(server, uploadForm(server, archive, 'odd.zip'));
    expect(terminal.event).to.equal('failed');
    expect(terminal.data.code).to.equal('UPLOAD_REJECTED');
    expect(terminal.data.message).to.match(/not a layout this service knows .*labels\.json, photos\//);
    const { body: dataset } = await getJson(`${server.url}/datasets/${accepted.dataset_id}`);
    expect(dataset).to.include({ status: 'failed', image_count: 0 });
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(accepted.dataset_id));
  });

  it('refuses a hostile archive (an entry climbing out with ../) before writing outside its folder', async () => {
    const good = await zipOf([
      ['annotations/instances_val.json', Buffer.from('{}')],
      ['val/x.jpg', Buffer.from('x')],
    ]);
    // yazl will not write such a name: the bytes of one as long are rewritten to it.
    const evil = Buffer.from(good.toString('latin1').replaceAll('val/x.jpg', '../xx.jpg'), 'latin1');
    const { accepted, terminal } = await uploadAndFollow(server, uploadZip(server, evil));
    expect(terminal.event).to.equal('failed');
    expect(terminal.data).to.include({ code: 'UPLOAD_REJECTED' });
    expect(terminal.data.message).to.include('../xx.jpg: leaves the archive');
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(accepted.dataset_id));
  });

  it('refuses a 1000:1 decompression bomb under the default bounds before unpacking a byte, leaving nothing of it', async () => {
    const unpacked = 20 * 1024 * 1024;
    const bomb = await zipOf([
      ['annotations/instances_val.json', path.join(ANNOTATIONS, 'instances_val.json')],
      ['val/junk.bin', Buffer.alloc(unpacked)],
    ]);
    const { accepted, events, terminal } = await uploadAndFollow(server, uploadZip(server, bomb));
    expect(terminal.event).to.equal('failed');
    expect(terminal.data).to.include({ code: 'UPLOAD_REJECTED' });
    expect(terminal.data.message).to.match(
      /^uploaded archive: its entries declare (\d+) bytes unpacked from (\d+) bytes, ([\d.]+) times its size, more than MAX_UNPACK_RATIO \(50\)/,
    );
    const [, declared, archive] = /declare (\d+) bytes unpacked from (\d+) bytes/.exec(String(terminal.data.message))!;
    const json = (await readFile(path.join(ANNOTATIONS, 'instances_val.json'))).length;
    expect(Number(declared)).to.equal(unpacked + json);
    expect(Number(archive)).to.equal(bomb.length);
    // Not an entry was unpacked, and the upload's folder is gone with its archive.
    expect(events.filter((e) => e.data.stage === 'unpack')).to.deep.equal([]);
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(accepted.dataset_id));
  });

  it('takes back the splits it had committed when a later one fails, so nothing half-done looks ready', async () => {
    const val = JSON.parse(await readFile(path.join(ANNOTATIONS, 'instances_val.json'), 'utf8'));
    val.annotations[3].bbox = 'wide';
    const archive = await zipOf([
      ['annotations/instances_train.json', path.join(ANNOTATIONS, 'instances_train.json')],
      ['annotations/instances_val.json', Buffer.from(JSON.stringify(val))],
      ...(await imagesOf('train', 'train')),
      ...(await imagesOf('val', 'val')),
    ]);
    const { accepted, events, terminal } = await uploadAndFollow(server, uploadForm(server, archive, 'half.zip'));
    expect(events.some((e) => e.data.split === 'train' && e.data.stage === 'thumbnails' && e.data.done)).to.equal(true);
    expect(terminal.event).to.equal('failed');
    expect(terminal.data.code).to.equal('INVALID_ANNOTATION_FILE');
    // The message names the file, the record and the field, and not where the service keeps it.
    expect(terminal.data.message).to.match(/instances_val\.json: annotations\[3\]\.bbox/);
    expect(terminal.data.message).to.not.include(server.dataDir);
    // Nor do its splits' jobs, the one that failed included.
    const { body: jobs } = await getJson(`${server.url}/jobs?limit=10`);
    const splitJobs = jobs.items.filter((j: any) => j.upload_job_id === accepted.job_id);
    expect(splitJobs.find((j: any) => j.split === 'val').error.message).to.match(/instances_val\.json: annotations\[3\]\.bbox/);
    expect(JSON.stringify(splitJobs)).to.not.include(server.dataDir);
    const { body: dataset } = await getJson(`${server.url}/datasets/${accepted.dataset_id}`);
    expect(dataset).to.include({ status: 'failed', image_count: 0, annotation_count: 0, category_count: 0 });
    expect(dataset.split_names).to.deep.equal([]);
    // The committed split was never complete for the plugins: they stored nothing for it.
    expect(dataset.plugins).to.deep.equal({});
    const { body: samples } = await getJson(`${server.url}/samples?dataset_id=${accepted.dataset_id}`);
    expect(samples.items).to.deep.equal([]);
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(accepted.dataset_id));
  });

  it('deletes the upload with its dataset', async () => {
    const { accepted, terminal } = await uploadAndFollow(server, uploadForm(server, await cocoArchive(), 'to-delete.zip', '?thumbnails=none'));
    expect(terminal.event).to.equal('complete');
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.include(String(accepted.dataset_id));
    expect((await fetch(`${server.url}/datasets/${accepted.dataset_id}`, { method: 'DELETE' })).status).to.equal(204);
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(accepted.dataset_id));
  });

  it('refuses other bodies with 415, JSON too whether or not it parses, and a form without a file field with 400', async () => {
    for (const body of ['{}', 'not json at all']) {
      const json = await getJson(`${server.url}/datasets/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(json.status, body).to.equal(415);
      expect(json.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
      expect(json.body.error.message).to.equal('an upload is multipart/form-data with a "file" field, or an application/zip body; got application/json');
    }
    const form = new FormData();
    form.append('archive', new Blob([Buffer.from('PK')]), 'x.zip');
    const noFile = await getJson(`${server.url}/datasets/upload`, { method: 'POST', body: form });
    expect(noFile.status).to.equal(400);
    expect(noFile.body.error.message).to.match(/no file field named "file"/);
  });

  it('leaves no dataset or job behind for an upload it refuses as a request: no file field, an empty form, an empty file, an empty body', async () => {
    const before = await datasetIds(server);
    const jobsBefore = (await getJson(`${server.url}/jobs?limit=100`)).body.items.length;
    const noFile = new FormData();
    noFile.append('archive', new Blob([Buffer.from('PK')]), 'x.zip');
    const emptyFile = new FormData();
    emptyFile.append('file', new Blob([]), 'empty.zip');
    const refusals: [string, RequestInit, RegExp][] = [
      ['no file field', { body: noFile }, /^the form has no file field named "file"/],
      ['an empty form', { body: new FormData() }, /^the form has no file field named "file"/],
      ['an empty file', { body: emptyFile }, /^the upload is empty \(the form's "file" field is empty\)/],
      ['an empty zip body', { body: Buffer.alloc(0), headers: { 'content-type': 'application/zip' } }, /^the upload is empty \(its Content-Length is 0\)/],
    ];
    for (const [what, init, message] of refusals) {
      const answer = await getJson(`${server.url}/datasets/upload`, { method: 'POST', ...init });
      expect(answer.status, what).to.equal(400);
      expect(answer.body.error.code, what).to.equal('INVALID_REQUEST');
      expect(answer.body.error.message, what).to.match(message);
    }
    expect(await datasetIds(server)).to.deep.equal(before);
    expect((await getJson(`${server.url}/jobs?limit=100`)).body.items.length).to.equal(jobsBefore);
  });

  it('cancels an upload whose bytes are still arriving: its uploader hears so, and nothing of it stays', async () => {
    const archive = await cocoArchive();
    const { req, answered } = rawUpload(server, archive.length);
    req.write(archive.subarray(0, 1024));
    const job = await receivingUpload(server);
    const cancelled = await getJson(`${server.url}/jobs/${job.id}`, { method: 'DELETE' });
    expect(cancelled.body).to.include({ status: 'cancelled' });
    const answer = await answered;
    expect(answer.status).to.equal(409);
    expect(answer.body.error).to.include({ code: 'CANCELLED' });
    req.destroy();
    const { body: dataset } = await getJson(`${server.url}/datasets/${job.spec.datasetId}`);
    expect(dataset).to.include({ status: 'cancelled' });
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(job.spec.datasetId));
  });

  it('answers 507 before reading an upload the disk cannot hold, saying how much it needs', async () => {
    // 2^49 bytes: under MAX_UPLOAD_BYTES (set to 2^50 here), over any disk this runs on.
    const { req, answered } = rawUpload(server, 2 ** 49);
    const answer = await answered;
    req.destroy();
    expect(answer.status).to.equal(507);
    expect(answer.body.error).to.include({ code: 'UPLOAD_NO_SPACE' });
    expect(answer.body.error.message).to.match(/needs about 1048576\.0 GB on the service's disk .* GB are free/);
  });

  it('marks the job failed when the client stops sending halfway, and goes on serving', async () => {
    const archive = await cocoArchive();
    const ended = nextJobEnd(server);
    const { req, answered } = rawUpload(server, archive.length);
    answered.catch(() => undefined);
    req.write(archive.subarray(0, archive.length / 2));
    await receivingUpload(server);
    req.destroy();
    expect(await ended).to.include({ kind: 'upload', status: 'failed' });
    const { body: jobs } = await getJson(`${server.url}/jobs?limit=1`);
    expect(jobs.items[0].error).to.include({ code: 'UPLOAD_INCOMPLETE' });
    expect(jobs.items[0].error.message).to.match(/the upload stopped after \d+ bytes of \d+/);
    expect((await getJson(`${server.url}/healthz`)).status).to.equal(200);
  });
});

describe('POST /datasets/upload past its bounds', function () {
  this.timeout(60_000);
  const server = useTestServer({ MAX_UPLOAD_BYTES: '4096', MAX_CONCURRENT_UPLOADS: '1', MAX_UNPACKED_BYTES: '100000', MAX_UPLOAD_ENTRIES: '3' });

  it('refuses a decompression bomb by MAX_UNPACKED_BYTES, and an archive of more than MAX_UPLOAD_ENTRIES entries', async () => {
    // A megabyte of zeros deflates to about a kilobyte: under the body's bound, far over the unpacked one.
    const bomb = await zipOf([['annotations/instances_val.json', Buffer.alloc(1_000_000)]]);
    expect(bomb.length).to.be.below(4096);
    const { accepted, terminal } = await uploadAndFollow(server, uploadZip(server, bomb));
    expect(terminal.data).to.include({ code: 'UPLOAD_REJECTED' });
    expect(terminal.data.message).to.equal('uploaded archive: its entries declare 1000000 bytes unpacked, more than MAX_UNPACKED_BYTES (100000)');
    expect(await readdir(path.join(server.dataDir, 'uploads'))).to.not.include(String(accepted.dataset_id));

    const many = await zipOf(['a', 'b', 'c', 'd'].map((n): ZipEntry => [`${n}.txt`, Buffer.from(n)]));
    const crowded = await uploadAndFollow(server, uploadZip(server, many));
    expect(crowded.terminal.data.message).to.equal('uploaded archive: holds 4 entries, more than 3');
  });

  it('answers 503 with Retry-After while MAX_CONCURRENT_UPLOADS uploads are arriving', async () => {
    const first = rawUpload(server, 3000);
    first.req.write(Buffer.alloc(1000));
    const job = await receivingUpload(server);
    const second = await uploadZip(server, Buffer.alloc(100));
    expect(second.status).to.equal(503);
    expect(second.headers.get('retry-after')).to.equal('5');
    expect(((await second.json()) as any).error).to.include({ code: 'UPLOADS_BUSY' });
    const ended = nextJobEnd(server);
    first.req.destroy();
    await first.answered.catch(() => undefined);
    expect(await ended).to.include({ kind: 'upload', status: 'failed' });
    expect(job.error).to.include({ code: 'UPLOAD_INCOMPLETE' });
  });

  it('answers 413 to a body whose length says it is too large, before reading it or making a dataset', async () => {
    const before = (await getJson(`${server.url}/datasets`)).body.items.length;
    const response = await uploadForm(server, Buffer.alloc(64 * 1024), 'big.zip');
    expect(response.status).to.equal(413);
    expect(((await response.json()) as any).error).to.include({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await getJson(`${server.url}/datasets`)).body.items.length).to.equal(before);
  });

  it('stops a body sent without a length at the bound, with 413, and fails its job', async () => {
    const chunks = [Buffer.alloc(3000), Buffer.alloc(3000), Buffer.alloc(3000)];
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const response = await fetch(`${server.url}/datasets/upload`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/zip' },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).to.equal(413);
    const { body: jobs } = await getJson(`${server.url}/jobs?limit=1`);
    expect(jobs.items[0]).to.include({ kind: 'upload', status: 'failed' });
    expect(jobs.items[0].error).to.include({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe("an upload's folder, when INGEST_ROOTS holds DATA_DIR", function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coco-ingest-private-'));
  const server = useTestServer({ DATA_DIR: dataDir }, [dataDir]);
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('is read by its own upload only: a request naming a path in it gets 403, whether or not the path exists', async () => {
    const { accepted, terminal } = await uploadAndFollow(server, uploadZip(server, await cocoArchive(), '?thumbnails=none'));
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    const files = path.join(dataDir, 'uploads', String(accepted.dataset_id), 'files');
    const asked: [string, Record<string, unknown>][] = [
      ['annotation_path', { annotation_path: path.join(files, 'annotations/instances_val.json'), image_dir: path.join(SAMPLE_DIR, 'images/val') }],
      ['image_dir', { annotation_path: path.join(ANNOTATIONS, 'instances_val.json'), image_dir: path.join(files, 'val') }],
      ['mask_dir', { annotation_path: path.join(ANNOTATIONS, 'instances_val.json'), mask_dir: path.join(files, 'val') }],
      ['annotation_path', { annotation_path: path.join(dataDir, 'uploads', '999', 'files', 'missing.json') }],
    ];
    for (const [field, body] of asked) {
      const answer = await getJson(`${server.url}/datasets/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status, JSON.stringify(body)).to.equal(403);
      expect(answer.body.error.code).to.equal('PATH_FORBIDDEN');
      expect(answer.body.error.message).to.equal(
        `${field}: ${String(body[field])} is inside the folder of uploaded datasets, which only their own uploads read`,
      );
    }
    const predictions = await getJson(`${server.url}/datasets/${accepted.dataset_id}/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'stolen', annotation_path: path.join(files, 'annotations/instances_val.json') }),
    });
    expect(predictions.status).to.equal(403);
    expect(predictions.body.error.code).to.equal('PATH_FORBIDDEN');
    // The rest of DATA_DIR's roots still reads as before.
    const allowed = await getJson(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: path.join(ANNOTATIONS, 'instances_val.json'), thumbnails: 'none' }),
    });
    expect(allowed.status).to.equal(202);
    expect(terminalOf(await followJob(server.url, allowed.body.job_id))!.event).to.equal('complete');
  });
});

describe('POST /datasets/upload from clients that vanish', function () {
  this.timeout(30_000);
  // The stall period is the default minute: nothing here may wait for it.
  const server = useTestServer({ MAX_CONCURRENT_UPLOADS: '4' });

  it('ends the upload of a client that closes its connection at once, with the bytes that arrived, and frees its slot', async () => {
    const archive = await cocoArchive();
    const ended = jobEnds(server, 4);
    for (let i = 0; i < 4; i++) vanishingUpload(server, archive, 2000);
    const ends = await ended;
    expect(ends.map((e) => [e.kind, e.status])).to.deep.equal(Array.from({ length: 4 }, () => ['upload', 'failed']));
    const { body: jobs } = await getJson(`${server.url}/jobs?limit=4`);
    for (const job of jobs.items) {
      expect(job.error).to.deep.equal({
        code: 'UPLOAD_INCOMPLETE',
        message: `the upload stopped after 2000 bytes of ${archive.length}: the client closed the connection`,
      });
    }
    // All four slots are free again: a fifth, real upload is taken and ingested.
    const { terminal } = await uploadAndFollow(server, uploadZip(server, archive, '?thumbnails=none'));
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    expect(terminal.data).to.include({ image_count: 20 });
  });
});

describe('POST /datasets/upload from a client that goes silent', function () {
  this.timeout(60_000);
  const server = useTestServer({ UPLOAD_STALL_MS: '300', MAX_CONCURRENT_UPLOADS: '1' });

  it('gives up an upload whose client goes silent, freeing its slot', async () => {
    const ended = nextJobEnd(server);
    const { req, answered } = rawUpload(server, 3000);
    req.write(Buffer.alloc(500));
    const answer = await answered;
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.include({ code: 'UPLOAD_INCOMPLETE' });
    expect(answer.body.error.message).to.equal('the upload stopped after 500 bytes of 3000: nothing arrived for 0.3 s');
    expect(await ended).to.include({ kind: 'upload', status: 'failed' });
    req.destroy();
    // Its slot is free again: the next upload is taken (and fails on its own account).
    const { terminal } = await uploadAndFollow(server, uploadZip(server, await zipOf([['notes.txt', Buffer.from('hello')]])));
    expect(terminal.data).to.include({ code: 'UPLOAD_REJECTED' });
  });

  it('refuses a form without a boundary, with or without a body, before making a dataset, and nothing of it fires later', async () => {
    const before = await datasetIds(server);
    for (const body of [undefined, '--x\r\ncontent-disposition: form-data; name="file"\r\n\r\nPK\r\n--x--\r\n']) {
      const answer = await getJson(`${server.url}/datasets/upload`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data' },
        ...(body ? { body } : {}),
      });
      expect(answer.status).to.equal(400);
      expect(answer.headers.get('connection')).to.equal('close');
      expect(answer.body.error.code).to.equal('INVALID_REQUEST');
      expect(answer.body.error.message).to.equal(
        "the upload's form cannot be read (Multipart: Boundary not found): send it as multipart/form-data with its boundary, as curl -F file=@dataset.zip does",
      );
    }
    expect(await datasetIds(server)).to.deep.equal(before);
    // An upload that stalls now fails after the stall period: any timer the
    // refusals had left would have fired first, and an error it raised with
    // nobody listening would have ended this process (and failed this test).
    const ended = nextJobEnd(server);
    const { req, answered } = rawUpload(server, 3000);
    req.write(Buffer.alloc(10));
    expect((await answered).body.error.message).to.equal('the upload stopped after 10 bytes of 3000: nothing arrived for 0.3 s');
    expect(await ended).to.include({ kind: 'upload', status: 'failed' });
    req.destroy();
    expect((await getJson(`${server.url}/healthz`)).status).to.equal(200);
  });
});

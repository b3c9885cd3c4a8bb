import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { EventSource } from 'eventsource';
import sharp from 'sharp';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { followJob, getJson, postIngest, type ReceivedEvent, readEventStream, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');
const TRAIN_IMAGES = path.join(SAMPLE_DIR, 'images/train');
const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
const INSTANCES_TRAIN = path.join(SAMPLE_DIR, 'annotations/instances_train.json');
const KEYPOINTS_VAL = path.join(SAMPLE_DIR, 'annotations/person_keypoints_val.json');
const CAPTIONS_VAL = path.join(SAMPLE_DIR, 'annotations/captions_val.json');

describe('ingest API (real server, real DuckDB, real workers)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let url: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
  });
  after(async () => {
    await server.stop();
  });

  describe('an instances file', () => {
    const counts = cocoCounts(INSTANCES_VAL);
    let job: Record<string, any>;
    let events: ReceivedEvent[];
    let datasetId: number;

    before(async () => {
      job = await postIngest(url, { annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES });
      events = await followJob(url, job.job_id);
      datasetId = job.dataset_id;
    });

    it('answers 202 with the job and dataset ids and where to follow them', () => {
      expect(job.job_id).to.match(/^[0-9a-f-]{36}$/);
      expect(job.dataset_id).to.be.a('number');
      expect(job.split).to.equal('val');
      expect(job.status_url).to.equal(`/jobs/${job.job_id}`);
      expect(job.events_url).to.equal(`/jobs/${job.job_id}/events`);
    });

    it('streams numbered progress for every stage and ends with exactly one complete event', () => {
      const ids = events.map((e) => e.id);
      expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).to.equal(ids.length);
      expect(events.filter((e) => ['complete', 'failed', 'cancelled'].includes(e.event))).to.have.length(1);
      expect(events.at(-1)!.event).to.equal('complete');
      for (const e of events) expect(e.data).to.include.keys('stage', 'current', 'total', 'message');
      const finals = (stage: string) => events.filter((e) => e.event === 'progress' && e.data.stage === stage && e.data.done);
      expect(finals('images')[0]!.data.current).to.equal(counts.images);
      expect(finals('annotations')[0]!.data.current).to.equal(counts.annotations);
      expect(finals('categories')[0]!.data.current).to.equal(counts.categories);
      expect(finals('thumbnails')[0]!.data.current).to.equal(counts.images);
    });

    it('reports counts in the complete event that match the JSON', () => {
      const done = terminalOf(events)!.data;
      expect(done).to.include({
        dataset_id: datasetId,
        image_count: counts.images,
        annotation_count: counts.annotations,
        category_count: counts.categories,
      });
      expect(done.thumbnails).to.include({ requested: counts.images, generated: counts.images, failed: 0 });
      expect(done.duration_ms).to.be.a('number');
    });

    it('says in timings_ms where the time went, the whole-file checks apart from the commit, the main-thread phases within the duration', () => {
      const done = terminalOf(events)!.data;
      const timings = done.timings_ms as Record<string, number>;
      expect(Object.keys(timings).sort()).to.deep.equal(['backpressure', 'checks', 'commit', 'read', 'store', 'thumbnails', 'thumbnails_tail']);
      for (const ms of Object.values(timings)) expect(ms).to.be.a('number').and.to.be.at.least(0);
      // `thumbnails` overlaps the rest; the others follow one another on the main thread (each rounded, hence the slack).
      const { thumbnails: _overlapping, ...sequential } = timings;
      const sum = Object.values(sequential).reduce((a, b) => a + b, 0);
      expect(sum).to.be.at.most((done.duration_ms as number) + Object.keys(sequential).length);
    });

    it('shows the dataset ready with its counts, split and categories', async () => {
      const { status, body } = await getJson(`${url}/datasets/${datasetId}`);
      expect(status).to.equal(200);
      expect(body).to.include({ status: 'ready', image_count: counts.images, annotation_count: counts.annotations, category_count: counts.categories });
      expect(body.splits.map((s: any) => s.name)).to.deep.equal(['val']);
      expect(body.splits[0].info).to.deep.equal(counts.json.info);
      expect(body.splits[0].licenses).to.deep.equal(counts.json.licenses);
      expect(body.categories.map((c: any) => c.name).sort()).to.deep.equal(counts.json.categories.map((c: any) => c.name).sort());
      const list = await getJson(`${url}/datasets`);
      expect(list.body.items.map((d: any) => d.id)).to.include(datasetId);
    });

    it('stores per-category statistics from the example plugin', async () => {
      const { body } = await getJson(`${url}/datasets/${datasetId}`);
      const stats = body.plugins['category-stats'];
      expect(stats).to.be.an('object');
      const total = Object.values(stats.categories as Record<string, { annotations: number }>).reduce((n, c) => n + c.annotations, 0);
      expect(total).to.equal(counts.annotations);
      for (const [name, images] of counts.imagesByCategory) {
        const entry = Object.values(stats.categories as Record<string, any>).find((c) => c.name === name);
        expect(entry.images, name).to.equal(images);
      }
    });

    it('pages samples with total, offset and limit', async () => {
      const first = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=5`);
      expect(first.status).to.equal(200);
      expect(first.body).to.include({ total: counts.images, offset: 0, limit: 5 });
      expect(first.body.items).to.have.length(5);
      const rest = await getJson(`${url}/samples?dataset_id=${datasetId}&offset=5&limit=200`);
      expect(rest.body.items).to.have.length(counts.images - 5);
      const all = [...first.body.items, ...rest.body.items];
      expect(new Set(all.map((s: any) => s.coco_id))).to.deep.equal(new Set(counts.json.images.map((i: any) => i.id)));
      const sample = all[0];
      expect(sample).to.include.keys('id', 'coco_id', 'file_name', 'width', 'height', 'split');
      const source = counts.json.images.find((i: any) => i.id === sample.coco_id);
      expect(sample).to.include({ file_name: source.file_name, width: source.width, height: source.height, split: 'val' });
      expect(sample.coco_url).to.equal(source.coco_url);
    });

    it('returns one sample by id, and 404 for it under another dataset', async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=1`);
      const one = await getJson(`${url}/samples/${body.items[0].id}?dataset_id=${datasetId}`);
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.equal(body.items[0]);
      expect((await getJson(`${url}/samples/${body.items[0].id}?dataset_id=${datasetId + 1000}`)).status).to.equal(404);
    });

    it('keeps extra image fields such as attributes', async () => {
      const withExtra = counts.json.images.find((i: any) => i.attributes !== undefined);
      const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=200`);
      const sample = body.items.find((s: any) => s.coco_id === withExtra.id);
      expect(sample.attributes).to.deep.equal(withExtra.attributes);
    });

    it('filters samples by category name, matching the JSON', async () => {
      for (const [name, images] of counts.imagesByCategory) {
        const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&category=${encodeURIComponent(name)}&limit=200`);
        expect(body.total, name).to.equal(images);
      }
      const none = await getJson(`${url}/samples?dataset_id=${datasetId}&category=unicorn`);
      expect(none.body.total).to.equal(0);
    });

    it("returns a sample's annotations with category names, boxes and segmentations as in the file", async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=200`);
      const names = new Map(counts.json.categories.map((c: any) => [c.id, c.name]));
      for (const sample of body.items) {
        const expected = counts.json.annotations.filter((a: any) => a.image_id === sample.coco_id);
        const got = await getJson(`${url}/samples/${sample.id}/annotations?dataset_id=${datasetId}`);
        expect(got.status).to.equal(200);
        expect(got.body.items).to.have.length(expected.length);
        for (const a of expected) {
          const match = got.body.items.find((g: any) => g.coco_id === a.id);
          expect(match, `annotation ${a.id}`).to.exist;
          expect(match.bbox).to.deep.equal(a.bbox);
          expect(match.category_id).to.equal(a.category_id);
          expect(match.category_name).to.equal(names.get(a.category_id));
          expect(match.iscrowd).to.equal(a.iscrowd === 1);
          expect(match.segmentation).to.deep.equal(a.segmentation);
          expect(match.area).to.equal(a.area);
        }
      }
    });

    it('serves the ingest-time thumbnail as WebP with an ETag, and 304 when unchanged', async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=1`);
      const sample = body.items[0];
      const response = await fetch(`${url}/images/${datasetId}/${sample.id}?size=medium`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('image/webp');
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      const etag = response.headers.get('etag');
      expect(etag).to.be.a('string');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(meta.format).to.equal('webp');
      expect(Math.max(meta.width!, meta.height!)).to.equal(Math.min(256, Math.max(sample.width, sample.height)));
      // node:http, not fetch: fetch adds `Cache-Control: no-cache` to conditional requests, which forbids a 304.
      const status = await new Promise<number>((resolve, reject) => {
        http
          .get(`${url}/images/${datasetId}/${sample.id}?size=medium`, { headers: { 'if-none-match': etag! } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on('error', reject);
      });
      expect(status).to.equal(304);
    });

    it('makes the large and small sizes on first request, never upscaled', async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=1`);
      const sample = body.items[0];
      for (const [size, px] of [
        ['small', 128],
        ['large', 512],
      ] as const) {
        const response = await fetch(`${url}/images/${datasetId}/${sample.id}?size=${size}`);
        expect(response.status).to.equal(200);
        const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
        expect(Math.max(meta.width!, meta.height!)).to.equal(Math.min(px, Math.max(sample.width, sample.height)));
      }
    });

    it('serves the original bytes with their content type', async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${datasetId}&limit=1`);
      const sample = body.items[0];
      const response = await fetch(`${url}/images/${datasetId}/${sample.id}?size=original`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('image/jpeg');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.equals(await readFile(path.join(VAL_IMAGES, sample.file_name)))).to.equal(true);
    });

    it('replays only the events after Last-Event-ID, then closes for a finished job', async () => {
      const replay = await followJob(url, job.job_id, 2);
      expect(replay.map((e) => e.id)).to.deep.equal(events.filter((e) => e.id > 2).map((e) => e.id));
      expect(replay.at(-1)!.event).to.equal('complete');
    });

    it('shows the finished job with its stage counts', async () => {
      const { status, body } = await getJson(`${url}/jobs/${job.job_id}`);
      expect(status).to.equal(200);
      expect(body).to.include({ id: job.job_id, status: 'complete', dataset_id: datasetId });
      expect(body.stages.images).to.include({ current: counts.images, total: counts.images, done: true });
      expect(body.result.image_count).to.equal(counts.images);
      const list = await getJson(`${url}/jobs`);
      expect(list.body.items.map((j: any) => j.id)).to.include(job.job_id);
    });

    it('adds a train split to the same dataset, and filters samples by split', async () => {
      const train = cocoCounts(INSTANCES_TRAIN);
      const second = await postIngest(url, { annotation_path: INSTANCES_TRAIN, image_dir: TRAIN_IMAGES, dataset_id: datasetId });
      expect(second.dataset_id).to.equal(datasetId);
      expect(terminalOf(await followJob(url, second.job_id))!.event).to.equal('complete');
      const { body } = await getJson(`${url}/datasets/${datasetId}`);
      expect(body.status).to.equal('ready');
      expect(body.image_count).to.equal(counts.images + train.images);
      expect(body.splits.map((s: any) => s.name).sort()).to.deep.equal(['train', 'val']);
      const trainOnly = await getJson(`${url}/samples?dataset_id=${datasetId}&split=train`);
      expect(trainOnly.body.total).to.equal(train.images);
      const stats = body.plugins['category-stats'];
      expect(Object.keys(stats.splits).sort()).to.deep.equal(['train', 'val']);
    });

    it('refuses a second ingest of a split the dataset already has', async () => {
      const response = await getJson(`${url}/datasets/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES, dataset_id: datasetId }),
      });
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal('CONFLICT');
    });
  });

  it('streams the job over the POST itself when the client accepts text/event-stream', async () => {
    const response = await fetch(`${url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES, thumbnails: 'none', dataset_name: 'streamed' }),
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const events = await readEventStream(response);
    const done = terminalOf(events)!;
    expect(done.event).to.equal('complete');
    expect(done.data.thumbnails).to.include({ requested: 0, generated: 0 });
  });

  it('sends the same events to many watchers of one job', async () => {
    const job = await postIngest(url, { annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES, dataset_name: 'watched' });
    const streams = await Promise.all(Array.from({ length: 25 }, () => followJob(url, job.job_id)));
    const reference = streams[0]!.map((e) => `${e.id}:${e.event}`);
    expect(reference.at(-1)).to.match(/:complete$/);
    for (const events of streams) expect(events.map((e) => `${e.id}:${e.event}`)).to.deep.equal(reference);
  });

  it('follows a job with a browser-style EventSource until the terminal event', async () => {
    const job = await postIngest(url, { annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES, thumbnails: 3 });
    const names: string[] = [];
    const done = await new Promise<Record<string, any>>((resolve, reject) => {
      const source = new EventSource(`${url}/jobs/${job.job_id}/events`);
      source.addEventListener('progress', () => names.push('progress'));
      source.addEventListener('complete', (e) => {
        source.close();
        resolve(JSON.parse(e.data));
      });
      source.addEventListener('failed', (e) => {
        source.close();
        reject(new Error(e.data));
      });
    });
    expect(names.length).to.be.greaterThan(0);
    expect(done.thumbnails).to.include({ requested: 3, generated: 3 });
  });

  it('ingests person keypoints with their category keypoint names and skeleton', async () => {
    const counts = cocoCounts(KEYPOINTS_VAL);
    const job = await postIngest(url, { annotation_path: KEYPOINTS_VAL, image_dir: VAL_IMAGES, thumbnails: 'none' });
    const done = terminalOf(await followJob(url, job.job_id))!;
    expect(done.data).to.include({ image_count: counts.images, annotation_count: counts.annotations, category_count: 1 });
    const { body } = await getJson(`${url}/datasets/${job.dataset_id}`);
    expect(body.categories[0].keypoints).to.deep.equal(counts.json.categories[0].keypoints);
    expect(body.categories[0].skeleton).to.deep.equal(counts.json.categories[0].skeleton);
    const person = counts.json.annotations.find((a: any) => a.num_keypoints > 0);
    const samples = await getJson(`${url}/samples?dataset_id=${job.dataset_id}&limit=200`);
    const sample = samples.body.items.find((s: any) => s.coco_id === person.image_id);
    const annotations = await getJson(`${url}/samples/${sample.id}/annotations`);
    const got = annotations.body.items.find((a: any) => a.coco_id === person.id);
    expect(got.keypoints).to.deep.equal(person.keypoints);
    expect(got.num_keypoints).to.equal(person.num_keypoints);
  });

  it('ingests captions from a file with no categories', async () => {
    const counts = cocoCounts(CAPTIONS_VAL);
    const job = await postIngest(url, { annotation_path: CAPTIONS_VAL, image_dir: VAL_IMAGES, thumbnails: 'none' });
    const events = await followJob(url, job.job_id);
    const done = terminalOf(events)!;
    expect(done.event).to.equal('complete');
    expect(done.data).to.include({ image_count: counts.images, annotation_count: counts.annotations, category_count: 0 });
    const samples = await getJson(`${url}/samples?dataset_id=${job.dataset_id}&limit=1`);
    const annotations = await getJson(`${url}/samples/${samples.body.items[0].id}/annotations`);
    const expected = counts.json.annotations.filter((a: any) => a.image_id === samples.body.items[0].coco_id);
    expect(annotations.body.items.map((a: any) => a.caption).sort()).to.deep.equal(expected.map((a: any) => a.caption).sort());
    expect(annotations.body.items[0].category_id).to.equal(null);
  });
});

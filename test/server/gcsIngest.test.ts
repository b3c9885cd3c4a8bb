import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { type StorageEmulatorHandle, sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import { emulatorClient, uploadFolder } from '../../bench/harness/uploadFolder.js';
import { ingestJob } from '../../src/jobs/kinds/ingestJob.js';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { datasetContents as contents } from '../helpers/datasetContents.js';
import { followJob, getJson, postIngest, type ReceivedEvent, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const BUCKET = 'gcs-ingest-test';
const GS = `gs://${BUCKET}/coco`;
const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

describe('datasets in Cloud Storage (the official client against the emulator, over HTTP)', function () {
  this.timeout(60_000);
  let emulator: StorageEmulatorHandle;
  let server: TestServer;
  let url: string;

  before(async () => {
    emulator = await sharedStorageEmulator();
    await uploadFolder(emulator, SAMPLE_DIR, BUCKET, 'coco');
    await uploadFolder(emulator, VAL_IMAGES, BUCKET, 'private/images');
    server = await startTestServer({
      INGEST_ROOTS: `${path.dirname(SAMPLE_DIR)},${GS}`,
      GCS_ENDPOINT: emulator.endpoint,
      GCS_PROJECT_ID: emulator.projectId,
    });
    url = server.url;
  });
  after(async () => {
    await server?.stop();
  });

  describe('the same dataset from disk and from a bucket', () => {
    let local: { job: Record<string, any>; events: ReceivedEvent[] };
    let remote: { job: Record<string, any>; events: ReceivedEvent[] };

    before(async () => {
      const job = await postIngest(url, { annotation_path: INSTANCES_VAL, image_dir: VAL_IMAGES, dataset_name: 'from-disk' });
      local = { job, events: await followJob(url, job.job_id) };
      const gsJob = await postIngest(url, {
        annotation_path: `${GS}/annotations/instances_val.json`,
        image_dir: `${GS}/images/val/`,
        dataset_name: 'from-bucket',
      });
      remote = { job: gsJob, events: await followJob(url, gsJob.job_id) };
    });

    it('completes with the counts of the JSON and a thumbnail for every image', () => {
      const counts = cocoCounts(INSTANCES_VAL);
      const complete = terminalOf(remote.events)!;
      expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
      expect(complete.data).to.deep.include({ image_count: counts.images, annotation_count: counts.annotations, split: 'val' });
      expect(complete.data.thumbnails).to.deep.include({ requested: counts.images, generated: counts.images, failed: 0 });
      expect(terminalOf(local.events)!.data.thumbnails).to.deep.equal(complete.data.thumbnails);
    });

    it('reports the annotation file’s bytes as they stream from the bucket', () => {
      const parse = remote.events.filter((e) => e.event === 'progress' && e.data.stage === 'images' && e.data.done === true);
      expect(parse).to.have.length(1);
      expect(parse[0]!.data.bytes_total).to.be.a('number').above(0);
    });

    it('stores identical rows and identical thumbnails', async () => {
      const fromDisk = await contents(url, local.job.dataset_id);
      const fromBucket = await contents(url, remote.job.dataset_id);
      expect(fromBucket.samples).to.deep.equal(fromDisk.samples);
      expect(fromBucket.annotations).to.deep.equal(fromDisk.annotations);
      expect(fromBucket.thumbnails.length).to.equal(fromDisk.thumbnails.length);
      fromBucket.thumbnails.forEach((thumb, i) => expect(thumb.equals(fromDisk.thumbnails[i]!), `thumbnail ${i}`).to.equal(true));
    });

    it('records where the job read from', async () => {
      const { body } = await getJson(`${url}/jobs/${remote.job.job_id}`);
      expect(body).to.include({ annotation_path: `${GS}/annotations/instances_val.json`, image_dir: `${GS}/images/val` });
    });

    it('makes the small and large thumbnails on demand from the bucket, as from disk', async () => {
      const { body: a } = await getJson(`${url}/samples?dataset_id=${local.job.dataset_id}&limit=1`);
      const { body: b } = await getJson(`${url}/samples?dataset_id=${remote.job.dataset_id}&limit=1`);
      for (const size of ['small', 'large']) {
        const fromDisk = await fetch(`${url}/images/${local.job.dataset_id}/${a.items[0].id}?size=${size}`);
        const fromBucket = await fetch(`${url}/images/${remote.job.dataset_id}/${b.items[0].id}?size=${size}`);
        expect(fromBucket.status).to.equal(200);
        expect(fromBucket.headers.get('content-type')).to.equal('image/webp');
        expect(Buffer.from(await fromBucket.arrayBuffer()).equals(Buffer.from(await fromDisk.arrayBuffer()))).to.equal(true);
      }
    });

    it('streams an original from the bucket whole, and the byte range asked for', async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${remote.job.dataset_id}&limit=1`);
      const sample = body.items[0];
      const original = await readFile(path.join(VAL_IMAGES, sample.file_name));
      const whole = await fetch(`${url}/images/${remote.job.dataset_id}/${sample.id}?size=original`);
      expect(whole.status).to.equal(200);
      expect(whole.headers.get('accept-ranges')).to.equal('bytes');
      expect(whole.headers.get('content-type')).to.equal('image/jpeg');
      expect(Buffer.from(await whole.arrayBuffer()).equals(original)).to.equal(true);

      const part = await fetch(`${url}/images/${remote.job.dataset_id}/${sample.id}?size=original`, { headers: { range: 'bytes=100-1123' } });
      expect(part.status).to.equal(206);
      expect(part.headers.get('content-range')).to.equal(`bytes 100-1123/${original.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(original.subarray(100, 1124))).to.equal(true);

      const tail = await fetch(`${url}/images/${remote.job.dataset_id}/${sample.id}?size=original`, { headers: { range: 'bytes=-10' } });
      expect(tail.status).to.equal(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(original.subarray(original.length - 10))).to.equal(true);

      const outside = await fetch(`${url}/images/${remote.job.dataset_id}/${sample.id}?size=original`, {
        headers: { range: `bytes=${original.length + 10}-` },
      });
      expect(outside.status).to.equal(416);
      expect(outside.headers.get('content-range')).to.equal(`bytes */${original.length}`);
      expect(((await outside.json()) as any).error.code).to.equal('RANGE_NOT_SATISFIABLE');
    });

    it('answers 304 for an original the client already has, by its ETag', async () => {
      const { body } = await getJson(`${url}/samples?dataset_id=${remote.job.dataset_id}&limit=1`);
      const first = await fetch(`${url}/images/${remote.job.dataset_id}/${body.items[0].id}?size=original`);
      await first.arrayBuffer();
      const again = await fetch(`${url}/images/${remote.job.dataset_id}/${body.items[0].id}?size=original`, {
        // fetch() adds `Cache-Control: no-cache` to conditional requests unless one is given, which forbids a 304.
        headers: { 'if-none-match': first.headers.get('etag')!, 'cache-control': 'max-age=0' },
      });
      expect(again.status).to.equal(304);
    });
  });

  describe('what a request may name', () => {
    async function ingest(body: Record<string, unknown>) {
      const response = await fetch(`${url}/datasets/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    }

    it('refuses a prefix of the bucket outside INGEST_ROOTS with 403, even one that shares the root’s first letters', async () => {
      for (const imageDir of [`gs://${BUCKET}/private/images`, `gs://${BUCKET}/coco-private`, 'gs://another-bucket/coco/images/val']) {
        const { status, body } = await ingest({ annotation_path: `${GS}/annotations/instances_val.json`, image_dir: imageDir });
        expect(status, imageDir).to.equal(403);
        expect(body.error.code).to.equal('PATH_FORBIDDEN');
        expect(body.error.message).to.include(imageDir);
      }
    });

    it('refuses `..` in a gs:// path with 400 rather than resolving it', async () => {
      const { status, body } = await ingest({ annotation_path: `${GS}/../private/x.json`, image_dir: `${GS}/images/val` });
      expect(status).to.equal(400);
      expect(body.error.message).to.include('".." segment');
    });

    it('answers 400 naming an annotation object that does not exist, or a folder with no objects', async () => {
      const missing = await ingest({ annotation_path: `${GS}/annotations/missing.json`, image_dir: `${GS}/images/val` });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.message).to.equal(`annotation_path: ${GS}/annotations/missing.json does not exist`);
      const empty = await ingest({ annotation_path: `${GS}/annotations/instances_val.json`, image_dir: `${GS}/images/none` });
      expect(empty.status).to.equal(400);
      expect(empty.body.error.message).to.equal(`image_dir: ${GS}/images/none has no objects under it`);
    });
  });

  describe('objects that go wrong', () => {
    it('fails the job naming the annotation object when it is gone by the time the job runs', async () => {
      const name = 'coco/annotations/vanishing.json';
      const bucket = emulatorClient(emulator).bucket(BUCKET);
      await bucket.file(name).save(await readFile(INSTANCES_VAL));
      const annotationPath = await server.service.storage.resolve('annotation_path', `gs://${BUCKET}/${name}`, 'file');
      await bucket.file(name).delete();
      const job = await server.service.jobs.submit(ingestJob, {
        annotationPath,
        imageDir: `${GS}/images/val`,
        maskDir: null,
        split: 'vanishing',
        datasetName: 'vanishing',
        thumbnails: 'all',
        onInvalid: 'fail',
      });
      const failed = terminalOf(await followJob(url, job.id))!;
      expect(failed.event).to.equal('failed');
      expect(failed.data).to.include({ code: 'OBJECT_NOT_FOUND', message: `gs://${BUCKET}/${name}: not found` });
      const { body } = await getJson(`${url}/datasets/${job.spec.datasetId}`);
      expect(body.status).to.not.equal('ready');
    });

    it('fails the job on a truncated annotation object, naming the file, and leaves nothing ready', async () => {
      const whole = await readFile(INSTANCES_VAL);
      await emulatorClient(emulator)
        .bucket(BUCKET)
        .file('coco/annotations/instances_cut.json')
        .save(whole.subarray(0, whole.length >> 1));
      const job = await postIngest(url, { annotation_path: `${GS}/annotations/instances_cut.json`, image_dir: `${GS}/images/val` });
      const failed = terminalOf(await followJob(url, job.job_id))!;
      expect(failed.event).to.equal('failed');
      expect(failed.data.code).to.equal('INVALID_ANNOTATION_FILE');
      expect(failed.data.message).to.match(/^instances_cut\.json: /);
      const { body } = await getJson(`${url}/datasets/${job.dataset_id}`);
      expect(body.status).to.equal('failed');
    });

    it('records a missing or truncated image object as that image’s failure, and ingests the rest', async () => {
      const counts = cocoCounts(INSTANCES_VAL);
      const [first, second] = counts.json.images.map((i: any) => i.file_name) as string[];
      await uploadFolder(emulator, VAL_IMAGES, BUCKET, 'coco/images/damaged');
      const bucket = emulatorClient(emulator).bucket(BUCKET);
      await bucket.file(`coco/images/damaged/${first}`).delete();
      const bytes = await readFile(path.join(VAL_IMAGES, second!));
      await bucket.file(`coco/images/damaged/${second}`).save(bytes.subarray(0, 2000));
      const job = await postIngest(url, { annotation_path: `${GS}/annotations/instances_val.json`, image_dir: `${GS}/images/damaged` });
      const complete = terminalOf(await followJob(url, job.job_id))!;
      expect(complete.event).to.equal('complete');
      expect(complete.data.failures).to.deep.equal({ IMAGE_MISSING: 1, IMAGE_UNDECODABLE: 1 });
      expect((complete.data.thumbnails as any).generated).to.equal(counts.images - 2);
      const { body } = await getJson(`${url}/samples?dataset_id=${job.dataset_id}&limit=200`);
      const missing = body.items.find((s: any) => s.file_name === first);
      expect(missing.image_error.code).to.equal('IMAGE_MISSING');
      expect(missing.image_error.message).to.include(`gs://${BUCKET}/coco/images/damaged/${first}`);
      const served = await fetch(`${url}/images/${job.dataset_id}/${missing.id}?size=original`);
      expect(served.status).to.equal(404);
    });
  });
});

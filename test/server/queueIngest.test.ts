import { createHash } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { freePort, type RedisServer, startRedis } from '../../bench/harness/redisServer.js';
import { sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import { emulatorClient, uploadFolder } from '../../bench/harness/uploadFolder.js';
import { type LogLine, startWorker, type WorkerProcess } from '../../bench/harness/workerProcess.js';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { expectRejection } from '../helpers/expectRejection.js';
import { exportedHashes } from '../helpers/exportedHashes.js';
import { runHashJob } from '../helpers/ingest.js';
import { makeDataset } from '../helpers/makeDataset.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';
import { UNREADABLE, writeUnreadableDataset } from '../helpers/unreadableDataset.js';

/** The medium thumbnails of a job, by sample id. */
async function thumbnailsOf(server: TestServer, datasetId: number, jobId: string): Promise<Map<string, Buffer>> {
  const dir = path.join(server.dataDir, 'thumbnails', String(datasetId), jobId, 'medium');
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

const chunkDone = (line: LogLine) => line.msg === 'chunk done';

describe('thumbnails through the queue (REDIS_URL, npm run worker)', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let server: TestServer | null = null;
  const workers: WorkerProcess[] = [];

  /** A server in queue mode, and the settings its workers share with it. */
  async function startQueueServer(env: Record<string, string> = {}) {
    redis = await startRedis();
    const queueEnv = { REDIS_URL: redis.url, QUEUE_STALL_MS: '1000', QUEUE_CHUNK_IMAGES: '4', ...env };
    server = await startTestServer(queueEnv);
    const workerEnv = { ...queueEnv, DATA_DIR: server.dataDir, INGEST_ROOTS: server.config.ingestRoots.join(','), WORKERS: '1' };
    return { server, workerEnv };
  }

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop('SIGKILL');
    await server?.stop();
    server = null;
    await redis?.stop();
  });

  it('makes every thumbnail in worker processes, byte for byte those of the local pool, with progress in the job stream', async () => {
    const { server, workerEnv } = await startQueueServer();
    workers.push(await startWorker(workerEnv), await startWorker(workerEnv));
    const dataset = await makeDataset(path.join(server.scratch, 'd'), 24);
    const job = await postIngest(server.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
    const events = await followJob(server.url, job.job_id);
    const complete = terminalOf(events)!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    expect(complete.data.thumbnails).to.include({ generated: 24, failed: 0 });
    const progress = events.filter((e) => e.event === 'progress' && e.data.stage === 'thumbnails');
    expect(progress.at(-1)!.data).to.include({ current: 24, total: 24, done: true });
    // Six chunks of four, each made once, by the two workers between them.
    const done = workers.flatMap((w) => w.lines.filter(chunkDone));
    expect(done.map((l) => l.chunkId).sort()).to.have.lengthOf(6);
    expect(new Set(done.map((l) => l.chunkId)).size).to.equal(6);
    const queued = await thumbnailsOf(server, job.dataset_id, job.job_id);
    expect(queued.size).to.equal(24);
    // The workers hash each image they decode: 24 images, hard links to 12 photos, are 12 exact pairs.
    const duplicates = await getJson(`${server.url}/datasets/${job.dataset_id}/duplicates?max_distance=0`);
    expect(duplicates.body).to.include({ hashed: 24, unhashed: 0, group_count: 12 });
    expect(duplicates.body.groups.every((g: any) => g.kind === 'exact' && g.samples.length === 2)).to.equal(true);
    // The workers' thumbnails are counted by the service's metrics, as the pool's are.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).to.match(/^coco_ingest_thumbnails_total\{result="made"\} 24$/m);
    expect(metrics).to.match(/^coco_ingest_thumbnail_seconds_count 24$/m);

    // The same file through the service's own pool.
    const local = await startTestServer({}, [server.scratch]);
    try {
      const again = await postIngest(local.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
      expect(terminalOf(await followJob(local.url, again.job_id))!.event).to.equal('complete');
      const pooled = await thumbnailsOf(local, again.dataset_id, again.job_id);
      expect([...pooled.keys()]).to.deep.equal([...queued.keys()]);
      for (const [name, bytes] of pooled) expect(queued.get(name)!.equals(bytes), name).to.equal(true);
    } finally {
      await local.stop();
    }
    // SIGTERM: a worker finishes what it runs, disconnects and exits 0.
    await workers[0]!.stop('SIGTERM');
    expect(workers[0]!.process.exitCode).to.equal(0);
    expect(workers[0]!.lines.some((l) => l.msg === 'stopped')).to.equal(true);
  });

  it('runs the hash job in worker processes: the SHA-256 of each file and the pHash the local pool stores reach the writer, failures with their codes', async () => {
    const { server, workerEnv } = await startQueueServer();
    workers.push(await startWorker(workerEnv), await startWorker(workerEnv));
    // Ten distinct photos, a text file and a missing file: three chunks of four.
    const dataset = await writeUnreadableDataset(path.join(server.scratch, 'd'), 10);
    const ingested = await postIngest(server.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir, thumbnails: 'none' });
    expect(terminalOf(await followJob(server.url, ingested.job_id))!.event).to.equal('complete');
    const { jobId, events } = await runHashJob(server, ingested.dataset_id);
    const complete = terminalOf(events)!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    expect(complete.data).to.include({ hashed: 10, failed: 2 });
    expect(complete.data.failures).to.deep.equal({ IMAGE_UNSUPPORTED: 1, IMAGE_MISSING: 1 });
    // The images went to the workers, not to the service's own pool: three chunks, each made once.
    const done = workers.flatMap((w) => w.lines.filter((l) => chunkDone(l) && l.jobId === jobId));
    expect(new Set(done.map((l) => l.chunkId)).size).to.equal(3);
    expect(done).to.have.lengthOf(3);

    const hashes = await exportedHashes(server, ingested.dataset_id);
    for (const name of dataset.photos) {
      const bytes = await readFile(path.join(dataset.imageDir, name));
      expect(hashes.get(name)!.content_hash, name).to.equal(createHash('sha256').update(bytes).digest('hex'));
    }
    for (const name of Object.keys(UNREADABLE)) expect(hashes.get(name), name).to.deep.equal({ content_hash: null, phash: null });
    const failed = await getJson(`${server.url}/samples?dataset_id=${ingested.dataset_id}&has_image_error=true`);
    expect(failed.body.items.map((s: any) => [s.file_name, s.image_error.code])).to.have.deep.members(Object.entries(UNREADABLE));

    // The same files ingested with thumbnails by the service's own pool: the same pHash, from the same 256 px decode.
    const local = await startTestServer({}, [server.scratch]);
    try {
      const pooled = await postIngest(local.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
      expect(terminalOf(await followJob(local.url, pooled.job_id))!.event).to.equal('complete');
      const expected = await exportedHashes(local, pooled.dataset_id);
      for (const name of dataset.photos) {
        expect(expected.get(name)!.phash, name).to.be.a('bigint');
        expect(hashes.get(name), name).to.deep.equal(expected.get(name));
      }
    } finally {
      await local.stop();
    }
  });

  it('loses no image when a worker is killed with SIGKILL mid-chunk: the chunk runs again on another worker', async () => {
    const { server, workerEnv } = await startQueueServer({ QUEUE_CHUNK_IMAGES: '12' });
    const doomed = await startWorker(workerEnv);
    workers.push(doomed);
    const dataset = await makeDataset(path.join(server.scratch, 'd'), 24);
    const job = await postIngest(server.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
    const started = await doomed.waitFor((line) => line.msg === 'chunk started');
    await doomed.stop('SIGKILL');
    expect(doomed.lines.filter((l) => l.msg === 'chunk done' && l.chunkId === started.chunkId)).to.have.lengthOf(0);
    // The survivor finds the dead worker's chunk once its lock (QUEUE_STALL_MS) has expired.
    const survivor = await startWorker(workerEnv);
    workers.push(survivor);
    const events = await followJob(server.url, job.job_id);
    const complete = terminalOf(events)!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    expect(complete.data.thumbnails).to.include({ generated: 24, failed: 0 });
    expect(survivor.lines.some((l) => l.msg === 'chunk done' && l.chunkId === started.chunkId)).to.equal(true);
    expect((await thumbnailsOf(server, job.dataset_id, job.job_id)).size).to.equal(24);
  });

  it('cancels a job within seconds on DELETE /jobs/{id}; workers write nothing more for it', async () => {
    const { server, workerEnv } = await startQueueServer();
    // No worker yet: the chunks wait in Redis.
    const dataset = await makeDataset(path.join(server.scratch, 'd'), 40);
    const job = await postIngest(server.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
    const events = followJob(server.url, job.job_id);
    const cancelled = await getJson(`${server.url}/jobs/${job.job_id}`, { method: 'DELETE' });
    expect(cancelled.body.status).to.equal('cancelled');
    expect(terminalOf(await events)!.event).to.equal('cancelled');
    // A worker started now finds nothing of the job left to make.
    const late = await startWorker(workerEnv);
    workers.push(late);
    const other = await makeDataset(path.join(server.scratch, 'e'), 4);
    const next = await postIngest(server.url, { annotation_path: other.annotationPath, image_dir: other.imageDir });
    expect(terminalOf(await followJob(server.url, next.job_id))!.event).to.equal('complete');
    expect(late.lines.filter((l) => l.jobId === job.job_id && l.msg === 'chunk started')).to.have.lengthOf(0);
    expect(await exists(path.join(server.dataDir, 'thumbnails', String(job.dataset_id), job.job_id))).to.equal(false);
  });

  it('stops the chunks a worker is running when their job is cancelled, and removes what they wrote', async () => {
    const { server, workerEnv } = await startQueueServer({ QUEUE_CHUNK_IMAGES: '40' });
    const worker = await startWorker(workerEnv);
    workers.push(worker);
    const dataset = await makeDataset(path.join(server.scratch, 'd'), 400);
    const job = await postIngest(server.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
    const events = followJob(server.url, job.job_id);
    await worker.waitFor((line) => line.msg === 'chunk started' && line.jobId === job.job_id);
    const cancelled = await getJson(`${server.url}/jobs/${job.job_id}`, { method: 'DELETE' });
    expect(cancelled.body.status).to.equal('cancelled');
    expect(terminalOf(await events)!.event).to.equal('cancelled');
    // The worker confirmed the stop before the job ended: nothing of it is still being written.
    expect(worker.lines.some((l) => l.msg === 'job cancelled: stopping its chunks' && l.jobId === job.job_id)).to.equal(true);
    expect(worker.lines.some((l) => l.msg === 'chunk done' && l.jobId === job.job_id && l.cancelled === true)).to.equal(true);
    expect(await exists(path.join(server.dataDir, 'thumbnails', String(job.dataset_id), job.job_id))).to.equal(false);
  });

  it('reads images from a bucket and writes thumbnails to THUMBNAIL_BUCKET from the workers, never through the service', async () => {
    const emulator = await sharedStorageEmulator();
    const bucket = 'queue-bucket-test';
    await uploadFolder(emulator, SAMPLE_DIR, bucket, 'coco');
    const gcs = { GCS_ENDPOINT: emulator.endpoint, GCS_PROJECT_ID: emulator.projectId, THUMBNAIL_BUCKET: `gs://${bucket}/thumbs` };
    redis = await startRedis();
    const queueEnv = { REDIS_URL: redis.url, QUEUE_STALL_MS: '1000', QUEUE_CHUNK_IMAGES: '2', ...gcs };
    server = await startTestServer({ ...queueEnv, INGEST_ROOTS: `gs://${bucket}/coco` });
    workers.push(await startWorker({ ...queueEnv, INGEST_ROOTS: `gs://${bucket}/coco`, WORKERS: '1' }));
    const annotationPath = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
    const job = await postIngest(server.url, {
      annotation_path: `gs://${bucket}/coco/annotations/instances_val.json`,
      image_dir: `gs://${bucket}/coco/images/val`,
    });
    const complete = terminalOf(await followJob(server.url, job.job_id))!;
    expect(complete.event, JSON.stringify(complete.data)).to.equal('complete');
    const { images } = cocoCounts(annotationPath);
    const [files] = await emulatorClient(emulator)
      .bucket(bucket)
      .getFiles({ prefix: `thumbs/${job.dataset_id}/${job.job_id}/medium/` });
    expect(files).to.have.lengthOf(images);
    expect(workers[0]!.lines.filter(chunkDone).length).to.equal(Math.ceil(images / 2));
    expect(await exists(path.join(server.dataDir, 'thumbnails'))).to.equal(false);
  });

  it('fails an ingest with THUMBNAIL_QUEUE_UNAVAILABLE when Redis goes away, and keeps serving', async () => {
    const { server } = await startQueueServer();
    // No worker: the chunks wait in Redis when it dies.
    const dataset = await makeDataset(path.join(server.scratch, 'd'), 40);
    const job = await postIngest(server.url, { annotation_path: dataset.annotationPath, image_dir: dataset.imageDir });
    const events = followJob(server.url, job.job_id);
    await redis.stop({ abruptly: true });
    const failed = terminalOf(await events)!;
    expect(failed.event).to.equal('failed');
    expect(failed.data).to.deep.include({ code: 'THUMBNAIL_QUEUE_UNAVAILABLE' });
    expect(String(failed.data.message)).to.include(redis.url);
    const datasets = await getJson(`${server.url}/datasets/${job.dataset_id}`);
    expect(datasets.status).to.equal(200);
    expect(datasets.body.status).to.equal('failed');
  });
});

describe('starting with REDIS_URL when Redis cannot be reached', function () {
  this.timeout(30_000);

  it('the service refuses to start, saying which Redis and why', async () => {
    const port = await freePort();
    const err = await expectRejection(startTestServer({ REDIS_URL: `redis://127.0.0.1:${port}` }));
    expect(err.code).to.equal('THUMBNAIL_QUEUE_UNAVAILABLE');
    expect(err.message).to.include(`redis://127.0.0.1:${port}`).and.include('ECONNREFUSED');
  });

  it('npm run worker exits 1, saying which Redis and why', async () => {
    const port = await freePort();
    const err = await expectRejection(startWorker({ REDIS_URL: `redis://127.0.0.1:${port}`, WORKERS: '1' }));
    expect(err.message).to.include('the worker exited (1)').and.include(`Redis at redis://127.0.0.1:${port}`).and.include('ECONNREFUSED');
  });

  it('npm run worker without REDIS_URL exits 1, saying it needs one', async () => {
    const err = await expectRejection(startWorker({ WORKERS: '1' }));
    expect(err.message).to.include('REDIS_URL: a worker needs the Redis');
  });
});

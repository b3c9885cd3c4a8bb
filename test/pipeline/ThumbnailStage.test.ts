import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { LoopbackProxy } from '../../bench/harness/LoopbackProxy.js';
import { sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import { emulatorClient } from '../../bench/harness/uploadFolder.js';
import type { ImageFailure, WrittenSample } from '../../src/pipeline/DatasetWriter.js';
import { ThumbnailStage, type ThumbnailStageOptions } from '../../src/pipeline/ThumbnailStage.js';
import type { StageProgress } from '../../src/progress/StageProgress.js';
import { DatasetStorage } from '../../src/storage/DatasetStorage.js';
import { LocalThumbnailPlace } from '../../src/thumbnails/LocalThumbnailPlace.js';
import { ThumbnailStore } from '../../src/thumbnails/ThumbnailStore.js';
import { ThumbnailPool } from '../../src/workers/ThumbnailPool.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('ThumbnailStage', function () {
  this.timeout(30_000);
  let dir: string;
  let pool: ThumbnailPool;
  let store: ThumbnailStore;
  const sample = (id: number, fileName = 'photo.jpg'): WrittenSample => ({ id, cocoId: id, location: fileName, fileName, width: 640, height: 480 });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumb-stage-'));
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#4a8' } })
      .jpeg()
      .toFile(path.join(dir, 'photo.jpg'));
    // One worker and a queue of one: the pool is saturated by two tasks.
    pool = new ThumbnailPool({ workers: 1, tasksPerWorker: 1, maxQueue: 1 });
    store = new ThumbnailStore({ place: new LocalThumbnailPlace(path.join(dir, 'thumbnails')), pool });
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  function stage(signal = new AbortController().signal) {
    const failures: ImageFailure[] = [];
    const progress: StageProgress[] = [];
    const s = new ThumbnailStage(pool, store, {
      datasetId: 1,
      jobId: 'job-1',
      imageDir: dir,
      storage: new DatasetStorage({ roots: [dir] }),
      signal,
      onProgress: (p) => progress.push(p),
      onFailure: (f) => failures.push(f),
    });
    return { s, failures, progress };
  }

  it('stops taking samples while the pool is saturated, and goes on once a task finishes', async () => {
    const { s } = stage();
    await s.submit(sample(1));
    await s.submit(sample(2));
    expect(pool.needsDrain).to.equal(true);
    const completedBefore = pool.stats.completed;
    await s.submit(sample(3));
    // The third submit could only return once the pool had room, i.e. after a task completed.
    expect(pool.stats.completed).to.be.greaterThan(completedBefore);
    const result = await s.finish();
    expect(result).to.include({ generated: 3, failed: 0 });
  });

  it('reports each image that fails, by code, and counts it', async () => {
    const { s, failures, progress } = stage();
    await s.submit(sample(10));
    await s.submit(sample(11, 'missing.jpg'));
    await s.submit(sample(12, '../outside.jpg'));
    const result = await s.finish();
    expect(result).to.deep.include({ generated: 1, failed: 2, failures: { IMAGE_MISSING: 1, IMAGE_REFUSED: 1 } });
    expect(failures.map((f) => [f.sampleId, f.code])).to.have.deep.members([
      [11, 'IMAGE_MISSING'],
      [12, 'IMAGE_REFUSED'],
    ]);
    expect(progress.at(-1)).to.include({ stage: 'thumbnails', current: 3, total: 3, failed: 2, done: true });
  });

  it('stops waiting for the pool when its signal aborts', async () => {
    const controller = new AbortController();
    const { s } = stage(controller.signal);
    await s.submit(sample(20));
    await s.submit(sample(21));
    const waiting = s.submit(sample(22));
    controller.abort(new Error('stop'));
    await expectRejection(waiting, /stop|aborted/);
    await s.settled();
  });

  describe('with images in a bucket that does not answer', () => {
    let proxy: LoopbackProxy;
    let storage: DatasetStorage;

    before(async () => {
      const emulator = await sharedStorageEmulator();
      await emulatorClient(emulator).bucket('stage-test').file('images/photo.jpg').save(Buffer.from('not fetched'));
      // Every download goes silent: reads stay in flight until their signal aborts.
      proxy = await LoopbackProxy.start(emulator.endpoint, { fault: ({ line }) => (line.includes('alt=media') ? { stallAfterBytes: 0 } : null) });
      storage = new DatasetStorage({ roots: ['gs://stage-test'], gcs: { apiEndpoint: proxy.endpoint, stallTimeoutMs: 60_000, maxRetries: 0 } });
    });
    after(async () => {
      await proxy.stop();
    });

    /** A stage over the silent bucket, reading at most two images at once. */
    function bucketStage(jobId: string, extra: Partial<ThumbnailStageOptions> = {}) {
      const controller = new AbortController();
      const s = new ThumbnailStage(pool, store, {
        datasetId: 1,
        jobId,
        imageDir: 'gs://stage-test/images',
        storage,
        maxReads: 2,
        signal: controller.signal,
        onProgress: () => undefined,
        onFailure: () => undefined,
        ...extra,
      });
      return { s, controller };
    }

    it('stops taking samples once maxReads images are being fetched, though the pool is idle', async () => {
      const { s, controller } = bucketStage('job-2');
      await s.submit(sample(30));
      await s.submit(sample(31));
      expect(s.needsDrain).to.equal(true);
      expect(pool.needsDrain).to.equal(false);
      const waiting = s.submit(sample(32));
      controller.abort(new Error('stop'));
      await expectRejection(waiting, /stop/);
      await s.settled();
      expect(s.submitted).to.equal(2);
    });

    it('keeps fetching while the pool is saturated, up to maxReads images beyond it', async () => {
      // The pool is full of local work: a local ingest would wait here.
      const busy = [1, 2].map((n) =>
        pool.run({
          source: { kind: 'path', path: path.join(dir, 'photo.jpg') },
          outputs: [{ size: 64, path: path.join(dir, `busy-${n}.webp`) }],
          quality: 80,
          maxPixels: 1e8,
        }),
      );
      expect(pool.needsDrain).to.equal(true);
      const { s, controller } = bucketStage('job-4');
      expect(s.needsDrain).to.equal(false);
      await s.submit(sample(50));
      await s.submit(sample(51));
      expect(s.needsDrain).to.equal(true);
      controller.abort(new Error('stop'));
      await s.settled();
      for (const task of busy) await task;
    });

    it('stops the ingest with IMAGE_SOURCE_UNAVAILABLE once images in a row fail because the store does', async () => {
      const hasty = new DatasetStorage({
        roots: ['gs://stage-test'],
        gcs: { apiEndpoint: proxy.endpoint, stallTimeoutMs: 100, maxRetries: 0 },
      });
      const failures: ImageFailure[] = [];
      const { s } = bucketStage('job-3', { storage: hasty, maxReads: 4, maxStoreFailuresInRow: 3, onFailure: (f) => failures.push(f) });
      for (const id of [40, 41, 42]) await s.submit(sample(id));
      const err = await expectRejection(s.finish(), /^3 images in a row could not be read from gs:\/\/stage-test\/images; the last: photo\.jpg: /);
      expect(err).to.include({ code: 'IMAGE_SOURCE_UNAVAILABLE', status: 502 });
      expect(failures.map((f) => f.code)).to.deep.equal(['IMAGE_READ_FAILED', 'IMAGE_READ_FAILED', 'IMAGE_READ_FAILED']);
    });
  });
});

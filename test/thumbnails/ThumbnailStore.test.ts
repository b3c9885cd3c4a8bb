import { access, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { AppError, isAbortError } from '../../src/errors.js';
import { LocalThumbnailPlace } from '../../src/thumbnails/LocalThumbnailPlace.js';
import type { ThumbnailRef, ThumbnailSize } from '../../src/thumbnails/ThumbnailStore.js';
import { THUMBNAIL_SIZES, ThumbnailStore } from '../../src/thumbnails/ThumbnailStore.js';
import { ThumbnailPool } from '../../src/workers/ThumbnailPool.js';

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

function expectAppError(err: unknown, code: string, status: number): AppError {
  expect(err, String(err)).to.be.instanceOf(AppError);
  const appError = err as AppError;
  expect({ code: appError.code, status: appError.status }, appError.message).to.deep.equal({ code, status });
  return appError;
}

describe('ThumbnailStore', function () {
  let dir: string;
  let rootDir: string;
  let pool: ThumbnailPool;
  let store: ThumbnailStore;
  let nextSample = 1;
  const photo = () => ({ kind: 'path', path: path.join(dir, 'photo.jpg') }) as const;
  const source = (name: string) => ({ kind: 'path', path: path.join(dir, name) }) as const;
  /** A sample no other test has made a thumbnail for. */
  const fresh = (datasetId = 1, jobId = 'job-1'): ThumbnailRef => ({ datasetId, jobId, sampleId: nextSample++ });

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumbnail-store-'));
    rootDir = path.join(dir, 'thumbnails');
    await Promise.all([
      sharp({ create: { width: 300, height: 200, channels: 3, background: '#c84' } })
        .jpeg()
        .toFile(path.join(dir, 'photo.jpg')),
      writeFile(path.join(dir, 'notes.jpg'), 'not a picture\n'),
      writeFile(path.join(dir, 'blocker'), 'a file where a directory should be'),
    ]);
    pool = new ThumbnailPool({ workers: 2 });
    store = new ThumbnailStore({ place: new LocalThumbnailPlace(rootDir), pool });
  });

  after(async function () {
    await pool?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lays thumbnails out by dataset, job and size', function () {
    expect(store.pathFor({ datasetId: 3, jobId: 'a1b2-c3', sampleId: 42 }, 'medium')).to.equal(path.join(rootDir, '3', 'a1b2-c3', 'medium', '42.webp'));
    expect(THUMBNAIL_SIZES).to.deep.equal({ small: 128, medium: 256, large: 512 });
  });

  it('refuses ids and sizes that could name a path outside its root', async function () {
    const bad: [ThumbnailRef, string][] = [
      [{ datasetId: 1, jobId: '..', sampleId: 1 }, 'small'],
      [{ datasetId: 1, jobId: 'a/../../b', sampleId: 1 }, 'small'],
      [{ datasetId: 1, jobId: '', sampleId: 1 }, 'small'],
      [{ datasetId: -1, jobId: 'job', sampleId: 1 }, 'small'],
      [{ datasetId: 1.5, jobId: 'job', sampleId: 1 }, 'small'],
      [{ datasetId: Number.NaN, jobId: 'job', sampleId: 1 }, 'small'],
      [{ datasetId: 1, jobId: 'job', sampleId: -2 }, 'small'],
      [{ datasetId: 1, jobId: 'job', sampleId: 1 }, '../small'],
      [{ datasetId: 1, jobId: 'job', sampleId: 1 }, 'constructor'],
    ];
    for (const [ref, size] of bad) {
      let thrown: unknown = null;
      try {
        store.pathFor(ref, size as ThumbnailSize);
      } catch (err) {
        thrown = err;
      }
      expectAppError(thrown, 'INVALID_REQUEST', 400);
    }
    const outside = path.join(dir, 'photo.jpg');
    expectAppError(await rejection(store.removeJob(1, '..')), 'INVALID_REQUEST', 400);
    expectAppError(await rejection(store.removeJob(1, '../..')), 'INVALID_REQUEST', 400);
    expectAppError(await rejection(store.removeDataset(-1)), 'INVALID_REQUEST', 400);
    expectAppError(await rejection(store.removeDataset(Number.NaN)), 'INVALID_REQUEST', 400);
    expect(await exists(outside)).to.equal(true);
  });

  it('makes a missing thumbnail through the pool, at just the size asked for', async function () {
    const ref = fresh();
    const file = await store.get(ref, 'small', photo());
    expect(file.location).to.equal(store.pathFor(ref, 'small'));
    const info = await stat(file.location);
    expect(file).to.include({ size: info.size, mtimeMs: info.mtimeMs });
    expect(await sharp(file.location).metadata()).to.include({ format: 'webp', width: 128, height: 85 });
    expect(await readdir(path.join(rootDir, '1', 'job-1'))).to.deep.equal(['small']);
  });

  it('serves a cached thumbnail without the pool, and without reading the source', async function () {
    const ref = fresh();
    const made = await store.get(ref, 'large', photo());
    const completed = pool.stats.completed;
    const served = await store.get(ref, 'large', source('gone.jpg'));
    expect(served).to.deep.equal(made);
    expect(pool.stats.completed).to.equal(completed);
  });

  it('shares one generation among concurrent requests for the same thumbnail', async function () {
    const ref = fresh();
    const completed = pool.stats.completed;
    const files = await Promise.all(Array.from({ length: 5 }, () => store.get(ref, 'medium', photo())));
    expect(new Set(files.map((f) => f.location)).size).to.equal(1);
    expect(pool.stats.completed - completed, 'worker runs').to.equal(1);
  });

  it('answers 503 THUMBNAIL_BUSY, retry after 1 s, past maxPending generations', async function () {
    const narrow = new ThumbnailStore({ place: new LocalThumbnailPlace(rootDir), pool, maxPending: 1 });
    const outcomes = await Promise.allSettled([narrow.get(fresh(), 'small', photo()), narrow.get(fresh(), 'small', photo())]);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused, 'one of two refused').to.have.length(1);
    const err = expectAppError((refused[0] as PromiseRejectedResult).reason, 'THUMBNAIL_BUSY', 503);
    expect(err.details).to.deep.equal({ retry_after: 1 });
    // Once the generation ended, there is room again.
    await narrow.get(fresh(), 'small', photo());
  });

  it("fails with the worker's code and a message naming the image", async function () {
    const missing = expectAppError(await rejection(store.get(fresh(), 'small', source('missing.jpg'))), 'IMAGE_MISSING', 404);
    expect(missing.message).to.match(/^missing\.jpg: /);
    expect(missing.expose).to.equal(true);
    const notes = expectAppError(await rejection(store.get(fresh(), 'small', source('notes.jpg'))), 'IMAGE_UNSUPPORTED', 422);
    expect(notes.message).to.match(/^notes\.jpg: /);
    const blocked = new ThumbnailStore({ place: new LocalThumbnailPlace(path.join(dir, 'blocker')), pool });
    expectAppError(await rejection(blocked.get(fresh(), 'small', photo())), 'THUMBNAIL_WRITE_FAILED', 500);
  });

  it('tries again on the next request after a generation failed', async function () {
    const ref = fresh();
    const completed = pool.stats.completed;
    await rejection(store.get(ref, 'small', source('missing.jpg')));
    await store.get(ref, 'small', photo());
    expect(pool.stats.completed - completed).to.equal(2);
  });

  it('rejects with an AbortError when its only caller aborts, and makes it on the next request', async function () {
    const ref = fresh();
    const controller = new AbortController();
    const request = store.get(ref, 'small', photo(), { signal: controller.signal });
    controller.abort();
    expect(isAbortError(await rejection(request))).to.equal(true);
    const file = await store.get(ref, 'small', photo());
    expect(await exists(file.location)).to.equal(true);
  });

  it('keeps a shared generation going while another caller still waits', async function () {
    const ref = fresh();
    const controller = new AbortController();
    const leaving = store.get(ref, 'small', photo(), { signal: controller.signal });
    const staying = store.get(ref, 'small', photo());
    controller.abort();
    expect(isAbortError(await rejection(leaving))).to.equal(true);
    expect(await exists((await staying).location)).to.equal(true);
  });

  it("removes one job's thumbnails, or a whole dataset's", async function () {
    const [a, b, other] = [fresh(7, 'job-a'), fresh(7, 'job-b'), fresh(8, 'job-a')];
    await Promise.all([store.get(a, 'small', photo()), store.get(b, 'small', photo()), store.get(other, 'small', photo())]);
    await store.removeJob(7, 'job-a');
    expect(await readdir(path.join(rootDir, '7'))).to.deep.equal(['job-b']);
    await store.removeDataset(7);
    expect(await exists(path.join(rootDir, '7'))).to.equal(false);
    expect(await exists(store.pathFor(other, 'small'))).to.equal(true);
    // Removing what is not there is not an error.
    await store.removeJob(7, 'job-a');
    await store.removeDataset(99);
  });
});

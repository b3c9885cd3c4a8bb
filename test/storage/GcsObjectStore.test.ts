import { text } from 'node:stream/consumers';
import { Storage } from '@google-cloud/storage';
import { expect } from 'chai';
import { type StorageEmulatorHandle, sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import type { AppError } from '../../src/errors.js';
import { GcsObjectStore } from '../../src/storage/GcsObjectStore.js';

const BUCKET = 'coco-bucket';

describe('GcsObjectStore (Cloud Storage emulator over HTTP)', function () {
  this.timeout(30_000);
  let emulator: StorageEmulatorHandle;
  let store: GcsObjectStore;

  before(async () => {
    emulator = await sharedStorageEmulator();
    const client = new Storage({ apiEndpoint: emulator.endpoint, projectId: emulator.projectId });
    const bucket = client.bucket(BUCKET);
    await bucket.file('coco/annotations/instances.json').save('{"images": []}');
    for (let i = 1; i <= 5; i++) await bucket.file(`coco/images/${i}.jpg`).save(Buffer.alloc(100 * i, i));
    await bucket.file('other/x.jpg').save('x');
    store = new GcsObjectStore({ apiEndpoint: emulator.endpoint, projectId: emulator.projectId, maxRetries: 0 });
  });

  it('tells an object’s size', async () => {
    expect((await store.stat(`gs://${BUCKET}/coco/images/3.jpg`)).size).to.equal(300);
  });

  it('streams a whole object, and a byte range of it', async () => {
    expect(await text(store.read(`gs://${BUCKET}/coco/annotations/instances.json`))).to.equal('{"images": []}');
    expect(await text(store.read(`gs://${BUCKET}/coco/annotations/instances.json`, { start: 2, end: 7 }))).to.equal('images');
  });

  it('lists a prefix page by page, every object once, in name order', async () => {
    const listed = [];
    for await (const object of store.list(`gs://${BUCKET}/coco/images/`, { pageSize: 2 })) listed.push(object);
    expect(listed.map((o) => o.location)).to.deep.equal([1, 2, 3, 4, 5].map((i) => `gs://${BUCKET}/coco/images/${i}.jpg`));
    expect(listed.map((o) => o.size)).to.deep.equal([100, 200, 300, 400, 500]);
  });

  it('names a missing object in a 404 OBJECT_NOT_FOUND, from stat and from a read', async () => {
    const url = `gs://${BUCKET}/coco/annotations/missing.json`;
    let error: AppError | undefined;
    try {
      await store.stat(url);
    } catch (err) {
      error = err as AppError;
    }
    expect(error).to.include({ code: 'OBJECT_NOT_FOUND', status: 404, message: `${url}: not found` });
    let readError: AppError | undefined;
    try {
      await text(store.read(url));
    } catch (err) {
      readError = err as AppError;
    }
    expect(readError).to.include({ code: 'OBJECT_NOT_FOUND', message: `${url}: not found` });
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import { LocalFileStore } from '../../src/storage/LocalFileStore.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('LocalFileStore', () => {
  const store = new LocalFileStore();
  let dir: string;
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'local-store-'));
    await mkdir(path.join(dir, 'images/nested'), { recursive: true });
    await writeFile(path.join(dir, 'images/b.jpg'), bytes);
    await writeFile(path.join(dir, 'images/a.jpg'), 'a');
    await writeFile(path.join(dir, 'images/nested/c.jpg'), 'cc');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells a file’s size and a quoted validator', async () => {
    const stat = await store.stat(path.join(dir, 'images/b.jpg'));
    expect(stat.size).to.equal(5000);
    expect(stat.etag).to.match(/^"[0-9a-f]+-[0-9a-f]+"$/);
  });

  it('streams a file whole, and a byte range of it', async () => {
    const file = path.join(dir, 'images/b.jpg');
    expect((await buffer(store.read(file))).equals(bytes)).to.equal(true);
    expect((await buffer(store.read(file, { start: 10, end: 19 }))).equals(bytes.subarray(10, 20))).to.equal(true);
  });

  it('reads a file into a buffer that owns its ArrayBuffer, so it can be moved to a worker', async () => {
    const read = await store.readBytes(path.join(dir, 'images/b.jpg'), { maxBytes: 10_000 });
    expect(Buffer.from(read).equals(bytes)).to.equal(true);
    expect(read.byteOffset).to.equal(0);
    expect(read.buffer.byteLength).to.equal(5000);
  });

  it('refuses a file larger than maxBytes with OBJECT_TOO_LARGE, naming it', async () => {
    const file = path.join(dir, 'images/b.jpg');
    const err = await expectRejection(store.readBytes(file, { maxBytes: 100 }), /more than the limit of 100/);
    expect(err).to.include({ code: 'OBJECT_TOO_LARGE', status: 413 });
    expect((err as Error).message).to.include(file);
  });

  it('answers a missing file with OBJECT_NOT_FOUND naming it, from every method', async () => {
    const file = path.join(dir, 'images/missing.jpg');
    const attempts = [() => store.stat(file), () => store.readBytes(file, { maxBytes: 10 }), () => store.readChunks(file, { chunkBytes: 10 }).next()];
    for (const attempt of attempts) {
      const err = await expectRejection(attempt(), /not found/);
      expect(err).to.include({ code: 'OBJECT_NOT_FOUND', status: 404 });
      expect((err as Error).message).to.equal(`${file}: not found`);
    }
  });

  it('reads a file in chunks of the size asked for', async () => {
    const sizes: number[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of store.readChunks(path.join(dir, 'images/b.jpg'), { chunkBytes: 2048 })) {
      sizes.push(chunk.length);
      parts.push(Buffer.from(chunk)); // chunks share one buffer: copy before pulling the next
    }
    expect(sizes).to.deep.equal([2048, 2048, 904]);
    expect(Buffer.concat(parts).equals(bytes)).to.equal(true);
  });

  it('lists a folder’s files recursively, in name order, with their sizes', async () => {
    const listed = [];
    for await (const entry of store.list(path.join(dir, 'images'))) listed.push(entry);
    expect(listed).to.deep.equal([
      { location: path.join(dir, 'images/a.jpg'), size: 1 },
      { location: path.join(dir, 'images/b.jpg'), size: 5000 },
      { location: path.join(dir, 'images/nested/c.jpg'), size: 2 },
    ]);
  });
});

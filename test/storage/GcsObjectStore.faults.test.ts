import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import { LoopbackProxy } from '../../bench/harness/LoopbackProxy.js';
import { type StorageEmulatorHandle, sharedStorageEmulator } from '../../bench/harness/storageEmulator.js';
import { emulatorClient } from '../../bench/harness/uploadFolder.js';
import { AppError } from '../../src/errors.js';
import { GcsObjectStore } from '../../src/storage/GcsObjectStore.js';

const BUCKET = 'gcs-faults-test';
const BIG = `gs://${BUCKET}/big.bin`;

describe('GcsObjectStore on a network that fails (a loopback proxy in front of the emulator)', function () {
  this.timeout(30_000);
  let emulator: StorageEmulatorHandle;
  let data: Buffer;
  let proxy: LoopbackProxy | null = null;

  before(async () => {
    emulator = await sharedStorageEmulator();
    data = randomBytes(3 * 1024 * 1024);
    await emulatorClient(emulator).bucket(BUCKET).file('big.bin').save(data, { resumable: false });
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = null;
  });

  // A cut-off body is noticed by its silence (see stallTimeoutMs): 300 ms here.
  const through = (p: LoopbackProxy, maxRetries = 3) =>
    new GcsObjectStore({ apiEndpoint: p.endpoint, projectId: emulator.projectId, maxRetries, retryDelayMs: 10, stallTimeoutMs: 300 });

  it('resumes a body cut off part way, from the byte it reached, until the object is whole', async () => {
    // Every response dies after 700 KB: a 3 MB read needs several.
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ cutAfterBytes: 700_000 }) });
    const got = await buffer(through(proxy).read(BIG));
    expect(got.equals(data)).to.equal(true);
    expect(proxy.faults).to.be.at.least(4);
  });

  it('resumes a ranged read within its range', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ cutAfterBytes: 300_000 }) });
    const got = await buffer(through(proxy).read(BIG, { start: 1000, end: 1_000_999 }));
    expect(got.equals(data.subarray(1000, 1_001_000))).to.equal(true);
  });

  it('reads an object whole into a buffer of its own, across cut-off connections', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: ({ index }) => (index % 2 === 0 ? { cutAfterBytes: 1_000_000 } : null) });
    const bytes = await through(proxy).readBytes(BIG, { maxBytes: 10 * 1024 * 1024 });
    expect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(data)).to.equal(true);
    expect(bytes.byteOffset).to.equal(0);
    expect(bytes.buffer.byteLength).to.equal(data.length);
  });

  it('resumes a read that goes silent, after the timeout', async () => {
    // The first response stalls after 100 KB; the rest are healthy.
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: ({ index }) => (index === 0 ? { stallAfterBytes: 100_000 } : null) });
    const got = await buffer(through(proxy).read(BIG));
    expect(got.equals(data)).to.equal(true);
    expect(proxy.faults).to.equal(1);
  });

  it('never splices an object replaced part way through a read: the resumed read fails, naming the object', async () => {
    const file = emulatorClient(emulator).bucket(BUCKET).file('replaced.bin');
    await file.save(data, { resumable: false });
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ cutAfterBytes: 700_000 }) });
    const received: Buffer[] = [];
    let error: unknown;
    try {
      for await (const chunk of through(proxy).read(`gs://${BUCKET}/replaced.bin`)) {
        // Replaced once the first bytes are in, before the cut-off response is resumed.
        if (received.length === 0) await file.save(randomBytes(data.length), { resumable: false });
        received.push(chunk as Buffer);
      }
    } catch (err) {
      error = err;
    }
    expect(error).to.include({ code: 'OBJECT_READ_FAILED', message: `gs://${BUCKET}/replaced.bin: the object was replaced while it was read` });
    const bytes = Buffer.concat(received);
    expect(bytes.length).to.be.below(data.length);
    expect(bytes.equals(data.subarray(0, bytes.length))).to.equal(true);
  });

  it('counts the answers it retries in a row: a long read may meet more of them than its retries, apart', async () => {
    // 503, then most of the object, then 503 again: two answers retried, one retry allowed in a row.
    proxy = await LoopbackProxy.start(emulator.endpoint, {
      fault: ({ index }) => (index === 0 || index === 2 ? { status: 503 } : index === 1 ? { cutAfterBytes: 2_000_000 } : null),
    });
    const bytes = await through(proxy, 1).readBytes(BIG, { maxBytes: 10 * 1024 * 1024 });
    expect(Buffer.from(bytes).equals(data)).to.equal(true);
    expect(proxy.requests).to.equal(4);
  });

  it('reads an empty object as no bytes, asking no range of it (Cloud Storage answers a range of one 416)', async () => {
    await emulatorClient(emulator).bucket(BUCKET).file('empty.bin').save(Buffer.alloc(0), { resumable: false });
    proxy = await LoopbackProxy.start(emulator.endpoint);
    const bytes = await through(proxy).readBytes(`gs://${BUCKET}/empty.bin`, { maxBytes: 1024 });
    expect(bytes.length).to.equal(0);
    // The emulator serves a range of an empty object; Cloud Storage does not. A stand-in answers as Cloud Storage does.
    const ranges: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      ranges.push(req.headers.range);
      if (req.headers.range) res.writeHead(416, { 'content-range': 'bytes */0', 'content-length': '0' }).end();
      else res.writeHead(200, { 'content-length': '0', 'x-goog-generation': '1' }).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const store = new GcsObjectStore({ apiEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxRetries: 0 });
      expect((await store.readBytes(`gs://${BUCKET}/empty.bin`, { maxBytes: 1024 })).length).to.equal(0);
      expect(ranges).to.deep.equal([undefined]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('does not retry a read answered 403, and names the object in OBJECT_FORBIDDEN', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ status: 403 }) });
    let error: unknown;
    try {
      await through(proxy).readBytes(BIG, { maxBytes: 10 * 1024 * 1024 });
    } catch (err) {
      error = err;
    }
    expect(error).to.include({ code: 'OBJECT_FORBIDDEN', status: 403, message: `${BIG}: access denied by Cloud Storage` });
    expect(proxy.requests).to.equal(1);
  });

  it('gives up after its retries when no attempt brings a byte, naming the object', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ stallAfterBytes: 0 }) });
    let error: unknown;
    try {
      await through(proxy, 2).readBytes(BIG, { maxBytes: 10 * 1024 * 1024 });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(AppError);
    expect(error).to.include({ code: 'OBJECT_READ_FAILED', status: 502 });
    expect((error as AppError).message).to.match(new RegExp(`^${BIG}: `));
  });

  it('retries a download answered 503 or 429, with backoff, and gets the object', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, {
      fault: ({ index }) => (index === 0 ? { status: 503 } : index === 1 ? { status: 429 } : null),
    });
    const bytes = await through(proxy).readBytes(BIG, { maxBytes: 10 * 1024 * 1024 });
    expect(Buffer.from(bytes).equals(data)).to.equal(true);
    expect(proxy.requests).to.equal(3);
  });

  it('does not retry a stat answered 403, and names the object in OBJECT_FORBIDDEN', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ status: 403 }) });
    let error: unknown;
    try {
      await through(proxy).stat(BIG);
    } catch (err) {
      error = err;
    }
    expect(error).to.include({ code: 'OBJECT_FORBIDDEN', status: 403, message: `${BIG}: access denied by Cloud Storage` });
    expect(proxy.requests).to.equal(1);
  });

  it('fails an object not read whole within its timeout, though bytes keep coming', async () => {
    // Bytes trickle (every request held back 50 ms, a resume after each 64 KB), so no single silence is long.
    proxy = await LoopbackProxy.start(emulator.endpoint, { delayMs: 50, fault: () => ({ cutAfterBytes: 64 * 1024 }) });
    const store = new GcsObjectStore({
      apiEndpoint: proxy.endpoint,
      projectId: emulator.projectId,
      maxRetries: 3,
      retryDelayMs: 10,
      stallTimeoutMs: 200,
      timeoutMs: 600,
    });
    let error: unknown;
    try {
      await store.readBytes(BIG, { maxBytes: 10 * 1024 * 1024 });
    } catch (err) {
      error = err;
    }
    expect(error).to.include({ code: 'OBJECT_READ_FAILED', message: `${BIG}: not read whole within 600 ms` });
  });

  it('refuses an object larger than maxBytes before reading it', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint);
    let error: unknown;
    try {
      await through(proxy).readBytes(BIG, { maxBytes: 1024 });
    } catch (err) {
      error = err;
    }
    expect(error).to.include({ code: 'OBJECT_TOO_LARGE', status: 413 });
  });

  it('stops a read when its signal aborts, with the signal’s reason', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint, { fault: () => ({ stallAfterBytes: 100_000 }) });
    const controller = new AbortController();
    const reason = new Error('stop');
    const reading = through(proxy).readBytes(BIG, { maxBytes: 10 * 1024 * 1024, signal: controller.signal });
    controller.abort(reason);
    let error: unknown;
    try {
      await reading;
    } catch (err) {
      error = err;
    }
    expect(error).to.equal(reason);
  });

  it('answers a store that cannot be reached with OBJECT_READ_FAILED naming the object', async () => {
    proxy = await LoopbackProxy.start(emulator.endpoint);
    const store = through(proxy, 0);
    await proxy.stop();
    proxy = null;
    let error: unknown;
    try {
      await store.stat(BIG);
    } catch (err) {
      error = err;
    }
    expect(error).to.include({ code: 'OBJECT_READ_FAILED' });
    expect((error as AppError).message).to.match(new RegExp(`^${BIG}: `));
  });
});

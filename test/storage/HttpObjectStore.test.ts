import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import { HttpObjectStore } from '../../src/storage/HttpObjectStore.js';
import { expectRejection } from '../helpers/expectRejection.js';
import { LoopbackFileServer } from '../helpers/LoopbackFileServer.js';
import { SAMPLE_DIR } from '../helpers/startTestServer.js';

const PHOTO = '/images/val/000000000139.jpg';

describe('HttpObjectStore (against a loopback file server with faults)', function () {
  this.timeout(20_000);
  let server: LoopbackFileServer;
  let photo: Buffer;
  const store = (options: ConstructorParameters<typeof HttpObjectStore>[0] = {}) =>
    new HttpObjectStore({ retryDelayMs: 5, stallTimeoutMs: 300, timeoutMs: 3000, ...options });

  before(async () => {
    photo = await readFile(path.join(SAMPLE_DIR, PHOTO));
  });
  beforeEach(async () => {
    server = await LoopbackFileServer.start(SAMPLE_DIR);
  });
  afterEach(async () => {
    await server.stop();
  });

  it('tells a file’s size and validator with HEAD, or with one ranged byte where HEAD is refused', async () => {
    const stat = await store().stat(`${server.url}${PHOTO}`);
    expect(stat.size).to.equal(photo.length);
    expect(stat.etag).to.match(/^"[0-9a-f]+"$/);
    server.headAllowed = false;
    expect((await store().stat(`${server.url}${PHOTO}`)).size).to.equal(photo.length);
    expect(server.requests.at(-1)).to.include({ method: 'GET', range: 'bytes=0-0' });
  });

  it('answers a missing file with OBJECT_NOT_FOUND naming the URL, asking once', async () => {
    const url = `${server.url}/images/val/nope.jpg`;
    const err = await expectRejection(store().readBytes(url, { maxBytes: 1e6 }));
    expect(err).to.include({ code: 'OBJECT_NOT_FOUND', message: `${url}: not found` });
    expect(server.requestsFor('/images/val/nope.jpg')).to.have.length(1);
  });

  it('retries 503 and 429 with backoff, and gives up after its retries with the status in the message', async () => {
    server.fault((r, i) => (r.path === PHOTO && i < 2 ? { status: i === 0 ? 503 : 429 } : null));
    expect(Buffer.from(await store().readBytes(`${server.url}${PHOTO}`, { maxBytes: 1e6 })).equals(photo)).to.equal(true);
    expect(server.requestsFor(PHOTO)).to.have.length(3);
    server.fault((r) => (r.path === '/images/val/000000000285.jpg' ? { status: 503 } : null));
    const err = await expectRejection(store({ maxRetries: 2 }).readBytes(`${server.url}/images/val/000000000285.jpg`, { maxBytes: 1e6 }));
    expect(err).to.include({ code: 'OBJECT_READ_FAILED' });
    expect(err.message).to.match(/000000000285\.jpg: the server answered 503/);
    expect(server.requestsFor('/images/val/000000000285.jpg')).to.have.length(3);
  });

  it('decodes a file the server sends gzip-encoded unasked, and resumes it cut off by reading it whole again', async () => {
    server.fault((r, i) => (r.path === PHOTO ? { gzip: true, ...(i === 0 ? { cutAfterBytes: 5000 } : {}) } : null));
    const bytes = await store().readBytes(`${server.url}${PHOTO}`, { maxBytes: 1e6 });
    expect(Buffer.from(bytes).equals(photo)).to.equal(true);
    const [first, again] = server.requestsFor(PHOTO);
    expect(first).to.include({ range: null });
    // The encoded bytes' ranges are not the file's: the resume asks for the whole answer again.
    expect(again).to.include({ range: null });
  });

  it('refuses a range the server sends gzip-encoded, naming the URL', async () => {
    server.fault((r) => (r.path === PHOTO ? { gzip: true } : null));
    const err = await expectRejection(buffer(store().read(`${server.url}${PHOTO}`, { start: 10, end: 99 })));
    expect(err).to.include({ code: 'OBJECT_READ_FAILED' });
    expect(err.message).to.equal(`${server.url}${PHOTO}: the server sent the range content-encoded, which cannot be cut to the bytes asked for`);
  });

  it('resumes a body cut off part way from the byte it reached, pinned to the same file', async () => {
    server.fault((r, i) => (r.path === PHOTO && i === 0 ? { cutAfterBytes: 1000 } : null));
    const bytes = await store().readBytes(`${server.url}${PHOTO}`, { maxBytes: 1e6 });
    expect(Buffer.from(bytes).equals(photo)).to.equal(true);
    const [, resumed] = server.requestsFor(PHOTO);
    expect(resumed!.range).to.equal('bytes=1000-');
    expect(resumed!.ifRange).to.match(/^"[0-9a-f]+"$/);
  });

  it('resumes a body that goes silent, after the stall timeout', async () => {
    server.fault((r, i) => (r.path === PHOTO && i === 0 ? { stallAfterBytes: 500 } : null));
    const bytes = await store().readBytes(`${server.url}${PHOTO}`, { maxBytes: 1e6 });
    expect(Buffer.from(bytes).equals(photo)).to.equal(true);
    expect(server.requestsFor(PHOTO)[1]!.range).to.equal('bytes=500-');
  });

  it('fails an image that does not arrive whole within its deadline, naming it, though every response brings bytes', async () => {
    // Each answer sends 300 bytes and goes silent: every resume makes progress, so only the whole read's deadline ends it.
    server.fault((r) => (r.path === PHOTO ? { stallAfterBytes: 300 } : null));
    const err = await expectRejection(store({ timeoutMs: 1000, stallTimeoutMs: 150, maxRetries: 20 }).readBytes(`${server.url}${PHOTO}`, { maxBytes: 1e6 }));
    expect(err).to.include({ code: 'OBJECT_READ_FAILED' });
    expect(err.message).to.equal(`${server.url}${PHOTO}: not read whole within 1000 ms`);
    expect(server.requestsFor(PHOTO).length).to.be.greaterThan(2);
  });

  it('refuses a file larger than the bound from its announced length, before reading it', async () => {
    const err = await expectRejection(store().readBytes(`${server.url}${PHOTO}`, { maxBytes: 100 }));
    expect(err).to.include({ code: 'OBJECT_TOO_LARGE' });
  });

  it('reads a byte range, and a file in chunks', async () => {
    const part = await buffer(store().read(`${server.url}${PHOTO}`, { start: 10, end: 109 }));
    expect(part.equals(photo.subarray(10, 110))).to.equal(true);
    expect(server.requests.at(-1)!.range).to.equal('bytes=10-109');
    const chunks: Buffer[] = [];
    for await (const chunk of store().readChunks(`${server.url}${PHOTO}`, { chunkBytes: 1024 })) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).equals(photo)).to.equal(true);
  });

  it('follows a redirect inside the roots, and refuses one out of them without fetching it', async () => {
    const inside = store({ admits: (url) => url.startsWith(`${server.url}/images/`) });
    server.fault((r) => (r.path === '/moved.jpg' ? { redirectTo: PHOTO } : null));
    expect(Buffer.from(await inside.readBytes(`${server.url}/moved.jpg`, { maxBytes: 1e6 })).equals(photo)).to.equal(true);
    server.fault((r) => (r.path === '/away.jpg' ? { redirectTo: '/annotations/instances_val.json' } : null));
    const err = await expectRejection(inside.readBytes(`${server.url}/away.jpg`, { maxBytes: 1e6 }));
    expect(err).to.include({ code: 'PATH_FORBIDDEN' });
    expect(err.message).to.match(/redirected to .*instances_val\.json, outside INGEST_ROOTS/);
    expect(server.requestsFor('/annotations/instances_val.json')).to.have.length(0);
  });
});

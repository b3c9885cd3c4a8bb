import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { type ReceivedUpload, type ReceiveUploadOptions, receiveUpload } from '../../src/uploads/receiveUpload.js';

/** What the server saw of one request: how receiveUpload ended, and the listeners it added to the request and left. */
interface Seen {
  outcome: { received: ReceivedUpload } | { error: Error & { code?: string } };
  added: string[];
  left: Record<string, number>;
  counterDestroyed: boolean;
}

const WATCHED = ['data', 'close', 'error', 'end'] as const;

describe('receiveUpload', () => {
  let dir: string;
  let server: Server;
  let options: ReceiveUploadOptions;
  let seen: Promise<Seen>;
  let target: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-receive-'));
    target = path.join(dir, 'upload.zip');
    options = { maxBytes: 10_000, stallMs: 60_000 };
    seen = new Promise((resolve) => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const before = Object.fromEntries(WATCHED.map((e) => [e, req.listenerCount(e)]));
        const added: string[] = [];
        req.on('newListener', (name: string) => added.push(name));
        let piped: NodeJS.WritableStream | null = null;
        const pipe = req.pipe.bind(req);
        req.pipe = ((dest: NodeJS.WritableStream, o?: { end?: boolean }) => (piped = pipe(dest as never, o))) as typeof req.pipe;
        receiveUpload(req, target, options)
          .then(
            (received) => ({ received }),
            (error: Error) => ({ error }),
          )
          .then((outcome) => {
            const left = Object.fromEntries(WATCHED.map((e) => [e, req.listenerCount(e) - before[e]!]));
            resolve({ outcome, added, left, counterDestroyed: piped === null || (piped as unknown as { destroyed: boolean }).destroyed });
            res.end();
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends a request with `headers` and `chunks`; `end` false leaves the body open, 'destroy' closes the connection after it is sent. */
  function send(headers: Record<string, string | number>, chunks: Buffer[], end: boolean | 'destroy' = true): void {
    const { port } = server.address() as AddressInfo;
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers });
    req.on('error', () => undefined);
    req.flushHeaders();
    chunks.forEach((chunk, i) => req.write(chunk, i === chunks.length - 1 && end === 'destroy' ? () => req.destroy() : undefined));
    if (end === true) req.end();
  }

  /** Expects every listener the upload added to the request to be gone, and its counting stream ended. */
  function expectReleased(result: Seen): void {
    expect(result.left).to.deep.equal({ data: 0, close: 0, error: 0, end: 0 });
    expect(result.counterDestroyed, 'its counting stream is destroyed').to.equal(true);
  }

  it('writes a zip body to its target, and leaves nothing of itself on the request', async () => {
    send({ 'content-type': 'application/zip', 'content-length': 5 }, [Buffer.from('PK123')]);
    const result = await seen;
    expect(result.outcome).to.deep.equal({ received: { fileName: null, bodyBytes: 5 } });
    expect(await readFile(target, 'utf8')).to.equal('PK123');
    expectReleased(result);
  });

  it('refuses a form without a boundary from its headers, before adding a listener (so before any timer or stream)', async () => {
    send({ 'content-type': 'multipart/form-data', 'content-length': 5 }, [Buffer.from('hello')]);
    const result = await seen;
    expect(result.outcome).to.have.property('error');
    const { error } = result.outcome as { error: Error & { code?: string } };
    expect(error.code).to.equal('INVALID_REQUEST');
    expect(error.message).to.match(/^the upload's form cannot be read \(Multipart: Boundary not found\)/);
    expect(result.added).to.deep.equal([]);
  });

  it('ends at once when the client closes the connection, naming the bytes that arrived, and releases the request', async () => {
    send({ 'content-type': 'application/zip', 'content-length': 5000 }, [Buffer.alloc(2000)], 'destroy');
    const result = await seen;
    const { error } = result.outcome as { error: Error & { code?: string } };
    expect(error.code).to.equal('UPLOAD_INCOMPLETE');
    expect(error.message).to.equal('the upload stopped after 2000 bytes of 5000: the client closed the connection');
    expectReleased(result);
  });

  it('gives up a body silent for stallMs, and releases the request', async () => {
    options.stallMs = 100;
    send({ 'content-type': 'application/zip', 'content-length': 5000 }, [Buffer.alloc(300)], false);
    const result = await seen;
    const { error } = result.outcome as { error: Error & { code?: string } };
    expect(error.code).to.equal('UPLOAD_INCOMPLETE');
    expect(error.message).to.equal('the upload stopped after 300 bytes of 5000: nothing arrived for 0.1 s');
    expectReleased(result);
  });

  it('stops a body past maxBytes sent without a length, and releases the request', async () => {
    options.maxBytes = 1000;
    send({ 'content-type': 'application/zip', 'transfer-encoding': 'chunked' }, [Buffer.alloc(800), Buffer.alloc(800)], false);
    const result = await seen;
    const { error } = result.outcome as { error: Error & { code?: string } };
    expect(error.code).to.equal('PAYLOAD_TOO_LARGE');
    expectReleased(result);
  });

  it('refuses a form without a file field once read, and releases the request', async () => {
    const body = Buffer.from('--b\r\ncontent-disposition: form-data; name="note"\r\n\r\nhi\r\n--b--\r\n');
    send({ 'content-type': 'multipart/form-data; boundary=b', 'content-length': body.length }, [body]);
    const result = await seen;
    const { error } = result.outcome as { error: Error & { code?: string } };
    expect(error.code).to.equal('INVALID_REQUEST');
    expect(error.message).to.equal('the form has no file field named "file": send the archive as file=@dataset.zip');
    expectReleased(result);
  });

  it('stops when its signal aborts, and releases the request', async () => {
    const controller = new AbortController();
    options.signal = controller.signal;
    options.onProgress = () => controller.abort(new Error('cancelled by the test'));
    send({ 'content-type': 'application/zip', 'content-length': 5000 }, [Buffer.alloc(300)], false);
    const result = await seen;
    expect(result.outcome).to.have.property('error');
    expectReleased(result);
  });
});

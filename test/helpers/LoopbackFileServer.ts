import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** What the server does to one request instead of answering it plainly. */
export interface FileFault {
  /** Answers this status with an empty body. */
  status?: number;
  /** Sends the headers (with the whole length) and this many body bytes, then closes the connection. */
  cutAfterBytes?: number;
  /** Sends the headers and this many body bytes, then goes silent with the connection open. */
  stallAfterBytes?: number;
  /** Waits this long before answering. */
  delayMs?: number;
  /** Answers only once this settles: a test holds a request until it says so. */
  until?: Promise<unknown>;
  /** Redirects (302) to this URL. */
  redirectTo?: string;
  /** Sends the whole file gzip-encoded (`Content-Encoding: gzip`, unasked, as a server storing it so does), ignoring any range. */
  gzip?: boolean;
}

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  range: string | null;
  ifRange: string | null;
}

/**
 * A static file server on 127.0.0.1 for the tests of images by URL: it serves
 * a folder with `HEAD`, `ETag` and byte ranges, logs every request, and lets a
 * test make any request fail the ways the web does (an error status, a body cut
 * off or gone silent, a slow answer, one held until the test lets it go, a
 * redirect). Rules are asked in order; the first that returns a fault applies.
 */
export class LoopbackFileServer {
  readonly requests: SeenRequest[] = [];
  readonly #server: http.Server;
  readonly #root: string;
  readonly #rules: ((request: SeenRequest, index: number) => FileFault | null)[] = [];
  /** Whether HEAD is answered (405 otherwise, as some servers do). */
  headAllowed = true;

  private constructor(root: string) {
    this.#root = root;
    this.#server = http.createServer((req, res) => {
      this.#answer(req, res).catch(() => res.destroy());
    });
  }

  /** Serves `root` on a free loopback port. */
  static async start(root: string): Promise<LoopbackFileServer> {
    const server = new LoopbackFileServer(root);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Adds a rule; `index` counts the requests to the same path so far (0 for the first). */
  fault(rule: (request: SeenRequest, index: number) => FileFault | null): void {
    this.#rules.push(rule);
  }

  /** Requests for one path. */
  requestsFor(urlPath: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === urlPath);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: urlPath,
      range: req.headers.range ?? null,
      ifRange: (req.headers['if-range'] as string) ?? null,
    };
    const index = this.requestsFor(urlPath).length;
    this.requests.push(seen);
    let fault: FileFault | null = null;
    for (const rule of this.#rules) {
      fault = rule(seen, index);
      if (fault) break;
    }
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.until) await fault.until.catch(() => undefined);
    if (fault?.status) return void res.writeHead(fault.status, { 'content-length': '0' }).end();
    if (fault?.redirectTo) return void res.writeHead(302, { location: fault.redirectTo, 'content-length': '0' }).end();
    if (seen.method === 'HEAD' && !this.headAllowed) return void res.writeHead(405, { 'content-length': '0' }).end();
    const file = path.join(this.#root, urlPath);
    if (!file.startsWith(this.#root + path.sep) || !(await stat(file).catch(() => null))?.isFile()) {
      return void res.writeHead(404, { 'content-length': '0' }).end();
    }
    const bytes = fault?.gzip ? gzipSync(await readFile(file)) : await readFile(file);
    const etag = `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
    const range = fault?.gzip ? null : /^bytes=(\d+)-(\d*)$/.exec(seen.range ?? '');
    const useRange = range !== null && (seen.ifRange === null || seen.ifRange === etag);
    const start = useRange ? Number(range[1]) : 0;
    const end = useRange && range[2] !== '' ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (useRange && start >= bytes.length) return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    const body = bytes.subarray(start, end + 1);
    res.writeHead(useRange ? 206 : 200, {
      'content-length': String(body.length),
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag,
      ...(useRange ? { 'content-range': `bytes ${start}-${end}/${bytes.length}` } : {}),
      ...(fault?.gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    if (seen.method === 'HEAD') return void res.end();
    const cut = fault?.cutAfterBytes ?? fault?.stallAfterBytes;
    if (cut === undefined) return void res.end(body);
    res.write(body.subarray(0, cut));
    // Cut: the connection closes with the body short of its length. Stalled: it stays open, silent.
    if (fault?.cutAfterBytes !== undefined) setTimeout(() => res.destroy(), 20);
  }
}

import net from 'node:net';

/** A request written byte for byte, as no well-behaved client would: a lying Content-Length, a raw path. */
export interface RawRequest {
  method: string;
  /** The request target as it goes on the wire (not encoded: unicode goes as UTF-8 bytes). */
  target: string;
  /** Header lines, sent as they are (a `content-length` here may lie about the body). */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * After the body: `wait` reads the answer; `end` half-closes the connection
   * (FIN) and reads what answer comes; `vanish` destroys the socket at once, as
   * a client that goes away mid-body.
   */
  then: 'wait' | 'end' | 'vanish';
}

/** The first answer read off the socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends `request` over a plain TCP socket to `url`'s host and port, and
 * resolves with the first HTTP answer, or null if the connection closed before
 * a whole one came (or the request vanished on purpose). Bytes after the first
 * answer (e.g. Node's own 400 to the rest of a body longer than its
 * Content-Length said, read as a second request) are not read.
 */
export function rawRequest(url: string, request: RawRequest): Promise<RawAnswer | null> {
  const { hostname, port } = new URL(url);
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (answer: RawAnswer | null) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(answer);
    };
    socket.on('connect', () => {
      socket.write(Buffer.concat([Buffer.from(head, 'utf8'), request.body]), () => {
        if (request.then === 'vanish') settle(null);
        else if (request.then === 'end') socket.end();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const answer = parseAnswer(received, false);
        if (answer) settle(answer);
      } catch (err) {
        settled = true;
        socket.destroy();
        reject(err);
      }
    });
    socket.on('close', () => {
      try {
        settle(parseAnswer(received, true));
      } catch (err) {
        settled = true;
        reject(err);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after a refused body is an answer of a kind (the server closed on us); a refused connection is not.
      if (err.code === 'ECONNREFUSED') {
        settled = true;
        reject(err);
      }
    });
  });
}

/** The first whole answer in `bytes` (by Content-Length, chunked, or to the close), or null while it is incomplete. */
function parseAnswer(bytes: Buffer, closed: boolean): RawAnswer | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP answer: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(end + 4);
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    return rest.length >= length ? { status, headers, body: rest.subarray(0, length) } : null;
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const body = dechunk(rest);
    return body ? { status, headers, body } : null;
  }
  if (status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
  return closed ? { status, headers, body: rest } : null;
}

/** A chunked body's bytes, or null until its last chunk has come. */
function dechunk(bytes: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + size + 2) return null;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

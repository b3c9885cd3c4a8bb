import net, { type AddressInfo } from 'node:net';

/** What the proxy does to the response to one request. */
export interface ResponseFault {
  /** Closes the connection once this many bytes of the response have gone through (a body cut off). */
  cutAfterBytes?: number;
  /** Stops passing the response after this many bytes, leaving the connection open and silent. */
  stallAfterBytes?: number;
  /** Answers this HTTP status itself (e.g. 503, 429, 403), with an empty body, and closes the connection. */
  status?: number;
}

/** One request as the proxy sees it. */
export interface ProxiedRequest {
  /** Requests seen so far, on every connection (0, 1, ...). */
  index: number;
  /** Its request line, e.g. `GET /storage/v1/b/bucket/o/name?alt=media HTTP/1.1`. */
  line: string;
}

/** Options of {@link LoopbackProxy.start}. */
export interface LoopbackProxyOptions {
  /** Held back from every chunk a client sends, in ms (order kept): latency added to every request. Default 0. */
  delayMs?: number;
  /** Called with each request as it passes; returns what to do to its response. Default: nothing. */
  fault?: (request: ProxiedRequest) => ResponseFault | null;
}

/**
 * A TCP proxy on 127.0.0.1 in front of an HTTP server, adding latency and
 * faults a real network has: a fixed delay on every request, bodies cut off
 * part way, connections that go silent. It sees bytes only, so the client and
 * the server under it are the real ones.
 */
export class LoopbackProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  /** Connections opened so far. */
  connections = 0;
  /** Requests seen so far. */
  requests = 0;
  /** Responses cut off or stalled on purpose. */
  faults = 0;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  /** `http://127.0.0.1:<port>` of the proxy. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  static async start(target: string, options: LoopbackProxyOptions = {}): Promise<LoopbackProxy> {
    const { hostname, port } = new URL(target);
    const delayMs = options.delayMs ?? 0;
    let proxy: LoopbackProxy | null = null;
    const server = net.createServer((client) => {
      const self = proxy!;
      self.connections++;
      const upstream = net.connect(Number(port), hostname);
      for (const socket of [client, upstream]) {
        self.#sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          self.#sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      // HTTP/1.1 without pipelining: a response follows its request, so a fault
      // decided as a request line goes up applies to the bytes that come back next.
      let fault: ResponseFault | null = null;
      let sent = 0;
      client.on('data', (chunk: Buffer) => {
        const line = /^(GET|HEAD|POST|PUT|PATCH|DELETE) [^\r\n]+/.exec(chunk.toString('latin1', 0, 2048))?.[0];
        if (line !== undefined) {
          const index = self.requests++;
          fault = options.fault?.({ index, line }) ?? null;
          sent = 0;
          if (fault?.status !== undefined) {
            self.faults++;
            client.end(`HTTP/1.1 ${fault.status} Injected\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
            upstream.destroy();
            return;
          }
        }
        if (fault?.status !== undefined) return;
        if (delayMs === 0) upstream.write(chunk);
        else setTimeout(() => upstream.writable && upstream.write(chunk), delayMs);
      });
      upstream.on('data', (chunk: Buffer) => {
        const limit = fault?.cutAfterBytes ?? fault?.stallAfterBytes;
        if (limit === undefined || sent + chunk.length < limit) {
          sent += chunk.length;
          client.write(chunk);
          return;
        }
        if (sent <= limit) {
          client.write(chunk.subarray(0, limit - sent));
          self.faults++;
        }
        sent = limit + 1;
        if (fault?.cutAfterBytes !== undefined) {
          client.destroy();
          upstream.destroy();
        }
      });
    });
    await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
    proxy = new LoopbackProxy(server);
    return proxy;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { answerClientError } from '../server/answerClientError.js';
import { createApp } from '../server/createApp.js';
import type { Service } from '../server/Service.js';
import { startService } from './startService.js';

/** A listening service. */
export interface RunningServer {
  service: Service;
  server: Server;
  /** `http://host:port`, with the real port when `config.port` was 0. */
  url: string;
  /**
   * Graceful stop: stops accepting connections, cancels running jobs (their
   * datasets end `cancelled`), ends open event streams, then closes the pool and
   * the database. Idempotent.
   */
  close(): Promise<void>;
}

/** Starts the service and its HTTP server. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const service = await startService(config, log);
  const app = createApp(service);
  const server = createServer(app.callback());
  server.on('clientError', answerClientError(log));
  // Node's default request timeout would cut long event streams.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await service.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | null = null;
  return {
    service,
    server,
    url,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Jobs end first, so their watchers get the terminal event before connections are cut.
        await service.close();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

import { expect } from 'chai';
import { pino } from 'pino';
import { type RunningServer, startServer } from '../../src/app/startServer.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

/** A log line as pino-http writes it. */
interface LogLine {
  msg: string;
  req?: { url: string };
  res?: { statusCode: number };
}

describe('the request log', function () {
  this.timeout(30_000);
  let base: TestServer;
  let server: RunningServer;
  const text: string[] = [];
  const waiting = new Map<string, () => void>();

  before(async () => {
    // The test server's directories and configuration, served by a service whose log this test reads.
    base = await startTestServer();
    await base.close();
    const log = pino(
      { level: 'info' },
      {
        write(line: string) {
          text.push(line);
          const parsed = JSON.parse(line) as LogLine;
          for (const [marker, seen] of waiting) if (parsed.req?.url.includes(marker)) seen();
        },
      },
    );
    server = await startServer(base.config, log);
  });
  after(async () => {
    await server?.close();
    await base?.stop();
  });

  /** Sends a request whose URL holds `marker`, and resolves with its log line once written. */
  async function logged(method: string, target: string, marker: string): Promise<LogLine> {
    const written = new Promise<void>((resolve) => waiting.set(marker, resolve));
    const response = await fetch(`${server.url}${target}`, { method });
    await response.arrayBuffer();
    await written;
    waiting.delete(marker);
    return text.map((l) => JSON.parse(l) as LogLine).find((l) => l.req?.url.includes(marker))!;
  }

  it('redacts credentials in query strings and keeps every other parameter as it came', async () => {
    const secrets = {
      token: 'tok-1',
      access_token: 'acc-2',
      key: 'key-3',
      api_key: 'api-4',
      sig: 'sig-5',
      'X-Goog-Signature': 'goog-6',
      Token: 'upper-7',
      'x-amz-signature': 'amz-8',
      client_secret: 'cs-9',
    };
    const query = `${Object.entries(secrets)
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}&limit=5&keyword=kept&tokenizer=kept2`;
    const line = await logged('GET', `/jobs?marker=one&${query}`, 'marker=one');
    const expected = `/jobs?marker=one&${Object.keys(secrets)
      .map((k) => `${k}=[REDACTED]`)
      .join('&')}&limit=5&keyword=kept&tokenizer=kept2`;
    expect(line.req!.url).to.equal(expected);
    for (const value of Object.values(secrets)) expect(text.join('\n')).not.to.include(value);
  });

  it('redacts a percent-encoded name, and on a refused request too', async () => {
    const line = await logged('DELETE', '/datasets/999999?marker=two&%61ccess_token=enc-10&password=pw-11', 'marker=two');
    expect(line.res!.statusCode).to.equal(404);
    expect(line.req!.url).to.equal('/datasets/999999?marker=two&%61ccess_token=[REDACTED]&password=[REDACTED]');
    expect(text.join('\n')).not.to.include('enc-10');
    expect(text.join('\n')).not.to.include('pw-11');
  });
});

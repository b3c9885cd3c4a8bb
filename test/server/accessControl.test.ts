import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';
import { followJob, getJson } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const TOKEN = 'a-long-enough-test-token-1234';
const INGEST = {
  annotation_path: path.join(SAMPLE_DIR, 'annotations/instances_val.json'),
  image_dir: path.join(SAMPLE_DIR, 'images/val'),
  thumbnails: 'none',
};

function post(url: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/datasets/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(INGEST),
  });
}

describe('access control', function () {
  this.timeout(60_000);

  describe('with API_TOKEN set', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ API_TOKEN: TOKEN });
    });
    after(async () => {
      await server.stop();
    });

    it('refuses an ingest without a bearer token: 401 with WWW-Authenticate, and no job starts', async () => {
      const response = await post(server.url);
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.match(/^Bearer /);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).to.equal('UNAUTHORIZED');
      expect(body.error.message).to.include('Authorization: Bearer');
      expect((await getJson(`${server.url}/jobs`)).body.items).to.have.length(0);
    });

    it('refuses a wrong token, one of another length, and another scheme', async () => {
      for (const header of [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}extra`, `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`]) {
        const response = await post(server.url, { authorization: header });
        expect(response.status, header).to.equal(401);
        expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('UNAUTHORIZED');
      }
    });

    it('accepts the token for ingest, cancel and delete, and leaves reads open', async () => {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const response = await post(server.url, auth);
      expect(response.status).to.equal(202);
      const job = (await response.json()) as { job_id: string; dataset_id: number };
      await followJob(server.url, job.job_id);
      expect((await getJson(`${server.url}/datasets/${job.dataset_id}`)).status).to.equal(200);
      expect((await fetch(`${server.url}/jobs/${job.job_id}`, { method: 'DELETE' })).status).to.equal(401);
      expect((await fetch(`${server.url}/datasets/${job.dataset_id}`, { method: 'DELETE' })).status).to.equal(401);
      expect((await fetch(`${server.url}/datasets/${job.dataset_id}`, { method: 'DELETE', headers: auth })).status).to.equal(204);
    });
  });

  describe('CORS', () => {
    let server: TestServer;
    afterEach(async () => {
      await server?.stop();
    });

    it('sends no CORS headers unless CORS_ORIGINS lists the origin', async () => {
      server = await startTestServer({ CORS_ORIGINS: 'https://app.example.com' });
      const listed = await fetch(`${server.url}/datasets`, { headers: { origin: 'https://app.example.com' } });
      expect(listed.headers.get('access-control-allow-origin')).to.equal('https://app.example.com');
      expect(listed.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
      const other = await fetch(`${server.url}/datasets`, { headers: { origin: 'https://evil.example.net' } });
      expect(other.status).to.equal(200);
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
      const preflight = await fetch(`${server.url}/datasets/ingest`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get('access-control-allow-methods')).to.include('POST');
      expect(preflight.headers.get('access-control-allow-headers')).to.include('Authorization');
    });

    it('is off by default: no CORS headers for any origin, and images stay same-origin', async () => {
      server = await startTestServer();
      const response = await fetch(`${server.url}/datasets`, { headers: { origin: 'https://app.example.com' } });
      expect(response.headers.get('access-control-allow-origin')).to.equal(null);
      expect(response.headers.get('cross-origin-resource-policy')).to.equal('same-origin');
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    });
  });

  it('refuses a short API_TOKEN and CORS_ORIGINS that are not origins at start-up', () => {
    expect(() => loadConfig({ API_TOKEN: 'short' })).to.throw(ConfigError, /API_TOKEN must be at least 16 characters/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://ok.example.com, https://x.example.com/path' })).to.throw(ConfigError, /CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).corsOrigins).to.deep.equal([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
  });
});

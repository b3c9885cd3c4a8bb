import path from 'node:path';
import { expect } from 'chai';
import { getJson } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

describe('request validation', function () {
  this.timeout(30_000);
  let server: TestServer;
  let url: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    getJson(`${url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const valid = {
    annotation_path: path.join(SAMPLE_DIR, 'annotations/instances_val.json'),
    image_dir: path.join(SAMPLE_DIR, 'images/val'),
  };

  before(async () => {
    server = await startTestServer();
    url = server.url;
  });
  after(async () => {
    await server.stop();
  });

  it('answers 400 naming the field when a required field is missing', async () => {
    const { status, body } = await post({ image_dir: valid.image_dir });
    expect(status).to.equal(400);
    expect(body.error.code).to.equal('INVALID_REQUEST');
    expect(body.error.message).to.match(/annotation_path/);
  });

  it('answers 400 for wrong types, unknown fields and bad thumbnail modes', async () => {
    for (const bad of [
      { ...valid, dataset_id: 'one' },
      { ...valid, thumbnails: 'some' },
      { ...valid, thumbnails: -1 },
      { ...valid, split: '../x' },
      { ...valid, colour: 'blue' },
    ]) {
      const { status, body } = await post(bad);
      expect(status, JSON.stringify(bad)).to.equal(400);
      expect(body.error.code).to.equal('INVALID_REQUEST');
    }
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { status, body } = await post('{"annotation_path": ');
    expect(status).to.equal(400);
    expect(body.error.message).to.match(/not valid JSON/);
  });

  it('answers 413 for a body over the limit', async () => {
    const { status, body } = await post({ ...valid, dataset_name: 'x'.repeat(2 * 1024 * 1024) });
    expect(status).to.equal(413);
    expect(body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('answers 403 for paths outside INGEST_ROOTS, before any job starts', async () => {
    const { status, body } = await post({ annotation_path: '/etc/passwd', image_dir: valid.image_dir });
    expect(status).to.equal(403);
    expect(body.error.code).to.equal('PATH_FORBIDDEN');
    const jobs = await getJson(`${url}/jobs`);
    expect(jobs.body.items).to.have.length(0);
  });

  it('answers 400 when the annotation file does not exist', async () => {
    const { status, body } = await post({ ...valid, annotation_path: path.join(SAMPLE_DIR, 'annotations/nope.json') });
    expect(status).to.equal(400);
    expect(body.error.message).to.match(/annotation_path: .*nope\.json does not exist/);
  });

  it('answers 404 for unknown datasets, jobs, samples and routes', async () => {
    expect((await post({ ...valid, dataset_id: 999 })).status).to.equal(404);
    expect((await getJson(`${url}/datasets/999`)).status).to.equal(404);
    expect((await getJson(`${url}/jobs/00000000-0000-4000-8000-000000000000`)).status).to.equal(404);
    expect((await getJson(`${url}/samples/999/annotations`)).status).to.equal(404);
    expect((await getJson(`${url}/images/1/999`)).status).to.equal(404);
    const route = await getJson(`${url}/nowhere`);
    expect(route.status).to.equal(404);
    expect(route.body.error.code).to.equal('NOT_FOUND');
  });

  it('answers 400 for bad query parameters', async () => {
    for (const query of ['', 'dataset_id=abc', 'dataset_id=1&limit=500', 'dataset_id=1&limit=0', 'dataset_id=1&offset=-1', 'dataset_id=1&bogus=1']) {
      const { status, body } = await getJson(`${url}/samples?${query}`);
      expect(status, query).to.equal(400);
      expect(body.error.code).to.equal('INVALID_REQUEST');
    }
    expect((await getJson(`${url}/images/1/1?size=huge`)).status).to.equal(400);
    expect((await getJson(`${url}/jobs/not-a-uuid`)).status).to.equal(400);
    expect((await getJson(`${url}/datasets/0`)).status).to.equal(400);
  });

  it('answers 405 for a method a route does not take', async () => {
    const { status, body } = await getJson(`${url}/datasets`, { method: 'PUT' });
    expect(status).to.equal(405);
    expect(body.error.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('answers /healthz', async () => {
    const { status, body } = await getJson(`${url}/healthz`);
    expect(status).to.equal(200);
    expect(body.status).to.equal('ok');
  });
});

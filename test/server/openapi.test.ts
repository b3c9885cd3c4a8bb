import type Router from '@koa/router';
import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { createApp } from '../../src/server/createApp.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

describe('the API reference (GET /openapi.json, GET /docs)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let document: any;

  before(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).to.equal(200);
    document = await response.json();
  });
  after(async () => {
    await server?.stop();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document));
    expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
    expect(document.openapi).to.equal('3.1.0');
  });

  it('holds every route the router has, and no other', () => {
    // koa-router's middleware carries its router.
    const app = createApp(server.service);
    const router = (app.middleware.find((m) => 'router' in m) as unknown as { router: Router }).router;
    const routed = new Set<string>();
    for (const layer of router.stack) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) routed.add(`${method.toLowerCase()} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`);
    }
    const documented = new Set(
      Object.entries(document.paths as Record<string, object>).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`)),
    );
    expect([...documented].sort()).to.deep.equal([...routed].sort());
  });

  it('describes parameters and bodies from the schemas that validate them, and the error body on every operation', () => {
    const samples = document.paths['/samples'].get;
    const names = samples.parameters.map((p: any) => p.name);
    expect(names).to.include.members(['dataset_id', 'cursor', 'category', 'area', 'min_annotations', 'predictions', 'min_score']);
    expect(samples.parameters.find((p: any) => p.name === 'area').schema.enum).to.deep.equal(['small', 'medium', 'large']);
    expect(samples.parameters.find((p: any) => p.name === 'dataset_id').required).to.equal(true);
    const ingest = document.paths['/datasets/ingest'].post;
    expect(ingest.requestBody.content['application/json'].schema.properties).to.include.keys('annotation_path', 'image_dir', 'thumbnails');
    for (const operations of Object.values(document.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(operations))
        expect(operation.responses.default.content['application/json'].schema.$ref).to.equal('#/components/schemas/Error');
    }
  });

  it('renders at /docs with Swagger UI served by the service itself, no CDN', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      expect(src, 'a path of this service, no CDN').to.match(/^\/(docs|ui)\//);
      expect((await fetch(`${server.url}${src}`)).status, src).to.equal(200);
    }
    expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
    expect((await fetch(`${server.url}/docs/..%2Fpackage.json`)).status).to.equal(404);
  });
});

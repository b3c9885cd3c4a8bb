import { expect } from 'chai';
import { rawRequest } from '../helpers/rawHttp.js';
import { useTestServer } from '../helpers/startTestServer.js';

describe("requests Node's HTTP parser refuses", () => {
  const server = useTestServer();

  it('answer a body cut short of its Content-Length, the client then closing its side, with 400 and the error body', async () => {
    const answer = await rawRequest(server.url, {
      method: 'POST',
      target: '/datasets/ingest',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '1002' },
      body: Buffer.from('{}'),
      then: 'end',
    });
    expect(answer?.status).to.equal(400);
    expect(answer?.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(answer?.headers['x-content-type-options']).to.equal('nosniff');
    const { error } = JSON.parse(answer!.body.toString('utf8'));
    expect(error.code).to.equal('INVALID_REQUEST');
    expect(error.message).to.match(/^the request is not valid HTTP: /);
  });

  it('answer bytes that are not HTTP with 400 and the error body, and close the connection', async () => {
    const answer = await rawRequest(server.url, { method: 'GET', target: '/a b c', headers: {}, body: Buffer.alloc(0), then: 'wait' });
    expect(answer?.status).to.equal(400);
    expect(answer?.headers.connection).to.equal('close');
    expect(JSON.parse(answer!.body.toString('utf8')).error.code).to.equal('INVALID_REQUEST');
  });

  it('answer a request line past 16 KiB with 431 REQUEST_HEADERS_TOO_LARGE', async () => {
    const answer = await rawRequest(server.url, { method: 'GET', target: `/datasets/${'1'.repeat(20_000)}`, headers: {}, body: Buffer.alloc(0), then: 'wait' });
    expect(answer?.status).to.equal(431);
    expect(JSON.parse(answer!.body.toString('utf8')).error).to.deep.equal({
      code: 'REQUEST_HEADERS_TOO_LARGE',
      message: 'the request line and headers are larger than the service reads (16 KiB)',
    });
  });

  it('leave the service answering', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

describe('originals served by id with byte ranges (local disk)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let imageUrl: string;
  let original: Buffer;

  before(async () => {
    server = await startTestServer();
    const job = await postIngest(server.url, {
      annotation_path: path.join(SAMPLE_DIR, 'annotations/instances_val.json'),
      image_dir: VAL_IMAGES,
      thumbnails: 'none',
    });
    expect(terminalOf(await followJob(server.url, job.job_id))!.event).to.equal('complete');
    const { body } = await getJson(`${server.url}/samples?dataset_id=${job.dataset_id}&limit=1`);
    imageUrl = `${server.url}/images/${job.dataset_id}/${body.items[0].id}?size=original`;
    original = await readFile(path.join(VAL_IMAGES, body.items[0].file_name));
  });
  after(async () => {
    await server.stop();
  });

  it('says it accepts byte ranges, and sends the whole file without one', async () => {
    const response = await fetch(imageUrl);
    expect(response.status).to.equal(200);
    expect(response.headers.get('accept-ranges')).to.equal('bytes');
    expect(response.headers.get('content-length')).to.equal(String(original.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(original)).to.equal(true);
  });

  it('answers 206 with just the bytes of one range, and Content-Range saying which', async () => {
    const response = await fetch(imageUrl, { headers: { range: 'bytes=0-99' } });
    expect(response.status).to.equal(206);
    expect(response.headers.get('content-range')).to.equal(`bytes 0-99/${original.length}`);
    expect(response.headers.get('content-length')).to.equal('100');
    expect(Buffer.from(await response.arrayBuffer()).equals(original.subarray(0, 100))).to.equal(true);
  });

  it('sends from an offset to the end for an open range', async () => {
    const response = await fetch(imageUrl, { headers: { range: `bytes=${original.length - 50}-` } });
    expect(response.status).to.equal(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(original.subarray(original.length - 50))).to.equal(true);
  });

  it('answers 416 with the size for a range past the end', async () => {
    const response = await fetch(imageUrl, { headers: { range: `bytes=${original.length}-${original.length + 10}` } });
    expect(response.status).to.equal(416);
    expect(response.headers.get('content-range')).to.equal(`bytes */${original.length}`);
  });

  it('sends the whole file for several ranges, a malformed range, or an If-Range that no longer matches', async () => {
    const cases: Record<string, string>[] = [{ range: 'bytes=0-9,20-29,50-59' }, { range: 'pages=1-2' }, { range: 'bytes=0-9', 'if-range': '"stale"' }];
    for (const headers of cases) {
      const response = await fetch(imageUrl, { headers });
      expect(response.status, JSON.stringify(headers)).to.equal(200);
      expect(Buffer.from(await response.arrayBuffer()).length).to.equal(original.length);
    }
  });

  it('ignores a Range that is not valid syntax and sends the whole file, as RFC 9110 lets a server', async () => {
    const invalid = [
      'bytes=5-1',
      'bytes=abc',
      'bytes=',
      'bytes=,',
      'bytes=-',
      'bytes=1-2-3',
      'bytes=--5',
      'bytes=0x1-5',
      'bytes=0-9,7-3',
      'bytes 0-9',
      'bytes=1.5-2',
    ];
    for (const range of invalid) {
      const response = await fetch(imageUrl, { headers: { range } });
      expect(response.status, range).to.equal(200);
      expect(response.headers.get('content-range'), range).to.equal(null);
      expect(Buffer.from(await response.arrayBuffer()).equals(original), range).to.equal(true);
    }
  });

  it('answers 416 for a valid range that selects no byte: past the end, or an empty suffix', async () => {
    for (const range of [
      `bytes=${original.length}-`,
      'bytes=-0',
      'bytes=99999999999999999999999-',
      `bytes=${original.length + 5}-${original.length + 9}, ${original.length}-`,
    ]) {
      const response = await fetch(imageUrl, { headers: { range } });
      expect(response.status, range).to.equal(416);
      expect(response.headers.get('content-range'), range).to.equal(`bytes */${original.length}`);
      expect(((await response.json()) as any).error.code).to.equal('RANGE_NOT_SATISFIABLE');
    }
  });

  it("reads the unit without regard to case and spaces around the list's ranges", async () => {
    const response = await fetch(imageUrl, { headers: { range: 'Bytes= 0-9 ,' } });
    expect(response.status).to.equal(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(original.subarray(0, 10))).to.equal(true);
  });

  it('honours a range whose If-Range is the current ETag', async () => {
    const etag = (await fetch(imageUrl, { method: 'HEAD' })).headers.get('etag')!;
    const response = await fetch(imageUrl, { headers: { range: 'bytes=10-19', 'if-range': etag } });
    expect(response.status).to.equal(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(original.subarray(10, 20))).to.equal(true);
  });
});

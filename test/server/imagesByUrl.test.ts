import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { datasetContents } from '../helpers/datasetContents.js';
import { LoopbackFileServer } from '../helpers/LoopbackFileServer.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const INSTANCES_VAL = path.join(SAMPLE_DIR, 'annotations/instances_val.json');

/** Ingests and follows the job; returns the terminal event's data with its name. */
async function ingest(server: TestServer, body: Record<string, unknown>): Promise<Record<string, any>> {
  const job = await postIngest(server.url, body);
  const terminal = terminalOf(await followJob(server.url, job.job_id));
  return { event: terminal?.event, ...terminal?.data };
}

describe('images by URL (a loopback web server with faults)', function () {
  this.timeout(60_000);
  let web: LoopbackFileServer;
  let server: TestServer;

  before(async () => {
    web = await LoopbackFileServer.start(SAMPLE_DIR);
    server = await startTestServer({ HTTP_STALL_TIMEOUT_MS: '300', HTTP_MAX_RETRIES: '2' }, [`${web.url}/images`, `${web.url}/annotations`]);
  });
  after(async () => {
    await server?.stop();
    await web?.stop();
  });

  it('ingests with image_dir an http prefix: the same rows and byte-identical thumbnails as from disk', async () => {
    const fromDisk = await ingest(server, { annotation_path: INSTANCES_VAL, image_dir: path.join(SAMPLE_DIR, 'images/val'), dataset_name: 'disk' });
    const fromWeb = await ingest(server, { annotation_path: INSTANCES_VAL, image_dir: `${web.url}/images/val/`, dataset_name: 'web' });
    expect(fromWeb).to.include({ event: 'complete', image_count: fromDisk.image_count });
    expect(fromWeb.thumbnails).to.deep.equal(fromDisk.thumbnails);
    const a = await datasetContents(server.url, fromDisk.dataset_id);
    const b = await datasetContents(server.url, fromWeb.dataset_id);
    expect(b.samples).to.deep.equal(a.samples);
    expect(b.annotations).to.deep.equal(a.annotations);
    b.thumbnails.forEach((bytes, i) => expect(bytes.equals(a.thumbnails[i]!), `thumbnail ${i}`).to.equal(true));
  });

  it('streams the annotation file itself from the web', async () => {
    const done = await ingest(server, { annotation_path: `${web.url}/annotations/instances_val.json`, image_dir: `${web.url}/images/val`, thumbnails: 'none' });
    expect(done).to.include({ event: 'complete', image_count: 12 });
  });

  it('fetches each image by its coco_url without image_dir, and never fetches one outside INGEST_ROOTS', async () => {
    const coco = JSON.parse(await readFile(INSTANCES_VAL, 'utf8'));
    coco.images.forEach((image: any, i: number) => {
      image.coco_url = i === 0 ? `${web.url}/private/${image.file_name}` : `${web.url}/images/val/${image.file_name}`;
    });
    const file = path.join(server.scratch, 'by-url.json');
    await writeFile(file, JSON.stringify(coco));
    const done = await ingest(server, { annotation_path: file });
    expect(done).to.include({ event: 'complete', image_count: coco.images.length });
    expect(done.thumbnails).to.include({ generated: coco.images.length - 1, failed: 1 });
    expect(done.failures).to.deep.equal({ IMAGE_REFUSED: 1 });
    expect(web.requests.filter((r) => r.path.startsWith('/private/'))).to.have.length(0);
    const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&limit=50`)).body.items;
    const refused = samples.find((s: any) => s.coco_id === coco.images[0].id);
    expect(refused.image_error.message).to.include('is not a URL inside INGEST_ROOTS');
    const served = samples.find((s: any) => s.coco_id === coco.images[1].id);
    const original = await fetch(`${server.url}/images/${done.dataset_id}/${served.id}?size=original`, { headers: { range: 'bytes=0-99' } });
    expect(original.status).to.equal(206);
    const photo = await readFile(path.join(SAMPLE_DIR, 'images/val', coco.images[1].file_name));
    expect(Buffer.from(await original.arrayBuffer()).equals(photo.subarray(0, 100))).to.equal(true);
  });

  for (const onInvalid of ['skip', 'fail']) {
    it(`refuses image by image a coco_url of another scheme or redirected out of the roots, names the URL of an unsupported one, and completes (on_invalid ${onInvalid})`, async () => {
      const coco = JSON.parse(await readFile(INSTANCES_VAL, 'utf8'));
      coco.images.forEach((image: any) => {
        image.coco_url = `${web.url}/images/val/${image.file_name}`;
      });
      const notAnImage = `${web.url}/annotations/instances_val.json`;
      const odd: Record<number, string> = {
        0: 'file:///etc/passwd',
        1: `ftp://127.0.0.1/images/val/${coco.images[1].file_name}`,
        2: `${web.url}/images/val/moved-${onInvalid}.jpg`,
        3: notAnImage,
      };
      for (const [i, url] of Object.entries(odd)) coco.images[Number(i)].coco_url = url;
      web.fault((r) => (r.path === `/images/val/moved-${onInvalid}.jpg` ? { redirectTo: `${web.url}/private/${coco.images[2].file_name}` } : null));
      const file = path.join(server.scratch, `odd-schemes-${onInvalid}.json`);
      await writeFile(file, JSON.stringify(coco));
      const done = await ingest(server, { annotation_path: file, on_invalid: onInvalid });
      expect(done, JSON.stringify(done)).to.include({ event: 'complete', image_count: coco.images.length });
      expect(done.failures).to.deep.equal({ IMAGE_REFUSED: 3, IMAGE_UNSUPPORTED: 1 });
      expect(done.thumbnails).to.include({ generated: coco.images.length - 4, failed: 4 });
      expect(web.requests.filter((r) => r.path.startsWith('/private/'))).to.have.length(0);
      const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&limit=50`)).body.items;
      const errorOf = (i: number) => samples.find((s: any) => s.coco_id === coco.images[i].id).image_error;
      expect(errorOf(0)).to.deep.include({ code: 'IMAGE_REFUSED', message: 'file:///etc/passwd: is not a URL inside INGEST_ROOTS; not read' });
      expect(errorOf(1)).to.include({ code: 'IMAGE_REFUSED' });
      expect(errorOf(1).message).to.include(odd[1]);
      expect(errorOf(2)).to.include({ code: 'IMAGE_REFUSED' });
      expect(errorOf(2).message).to.include(`redirected to ${web.url}/private/${coco.images[2].file_name}, outside INGEST_ROOTS`);
      expect(errorOf(3)).to.include({ code: 'IMAGE_UNSUPPORTED' });
      expect(errorOf(3).message).to.include(notAnImage);
      const redirected = samples.find((s: any) => s.coco_id === coco.images[2].id);
      const original = await fetch(`${server.url}/images/${done.dataset_id}/${redirected.id}?size=original`);
      expect(original.status).to.equal(403);
      expect(((await original.json()) as any).error.code).to.equal('IMAGE_REFUSED');
    });
  }

  it('answers 403 PATH_FORBIDDEN for an annotation file whose URL redirects out of the roots, before any job starts', async () => {
    web.fault((r) => (r.path === '/annotations/away.json' ? { redirectTo: `${web.url}/private/instances_val.json` } : null));
    const response = await fetch(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: `${web.url}/annotations/away.json` }),
    });
    expect(response.status).to.equal(403);
    const { error } = (await response.json()) as any;
    expect(error.code).to.equal('PATH_FORBIDDEN');
    expect(error.message).to.include('outside INGEST_ROOTS');
  });

  it('records a missing image as IMAGE_MISSING naming its URL, resumes cut-off bodies, and ingests the rest', async () => {
    const coco = JSON.parse(await readFile(INSTANCES_VAL, 'utf8'));
    coco.images[2].file_name = 'gone.jpg';
    const cut = coco.images[3].file_name;
    let cutOnce = true;
    web.fault((r) => {
      if (r.path !== `/images/val/${cut}` || !cutOnce) return null;
      cutOnce = false;
      return { cutAfterBytes: 700 };
    });
    const before = web.requestsFor(`/images/val/${cut}`).length;
    const file = path.join(server.scratch, 'faulty.json');
    await writeFile(file, JSON.stringify(coco));
    const done = await ingest(server, { annotation_path: file, image_dir: `${web.url}/images/val` });
    expect(done).to.include({ event: 'complete', image_count: coco.images.length });
    expect(done.failures).to.deep.equal({ IMAGE_MISSING: 1 });
    expect(
      web
        .requestsFor(`/images/val/${cut}`)
        .slice(before)
        .map((r) => r.range),
    ).to.deep.equal([null, 'bytes=700-']);
    const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&limit=50`)).body.items;
    const gone = samples.find((s: any) => s.file_name === 'gone.jpg');
    expect(gone.image_error).to.include({ code: 'IMAGE_MISSING' });
    expect(gone.image_error.message).to.include(`${web.url}/images/val/gone.jpg`);
  });

  it('answers 403 for a web folder outside INGEST_ROOTS before any job starts', async () => {
    const response = await fetch(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: INSTANCES_VAL, image_dir: `${web.url}/imagesx` }),
    });
    expect(response.status).to.equal(403);
    expect(((await response.json()) as any).error.code).to.equal('PATH_FORBIDDEN');
  });
});

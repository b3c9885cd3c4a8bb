import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { bombPng } from '../helpers/bombPng.js';
import { oneBoxEach } from '../helpers/oneBoxEach.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

/** file_name -> the failure code its image must get (null: a thumbnail is made). */
const EXPECTED: Record<string, string | null> = {
  'ok.jpg': null,
  'portrait.jpg': null,
  'cmyk.jpg': null,
  'deep.png': null,
  'corrupt.jpg': 'IMAGE_UNDECODABLE',
  'empty.jpg': 'IMAGE_UNDECODABLE',
  'missing.jpg': 'IMAGE_MISSING',
  'notes.jpg': 'IMAGE_UNSUPPORTED',
  'bomb.png': 'IMAGE_TOO_LARGE',
};

describe('an ingest of broken images', function () {
  this.timeout(60_000);
  let server: TestServer;
  let complete: Record<string, any>;
  let datasetId: number;
  let samples: { id: number; file_name: string; image_error: { code: string; message: string } | null }[];

  before(async () => {
    server = await startTestServer();
    const dir = path.join(server.scratch, 'broken-images');
    await mkdir(dir, { recursive: true });
    const photo = sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 200, g: 120, b: 40 } } });
    await photo.clone().jpeg().toFile(path.join(dir, 'ok.jpg'));
    // Stored 300x200, orientation 6: shown (and thumbnailed) as 200x300.
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(path.join(dir, 'portrait.jpg'));
    await photo.clone().toColourspace('cmyk').jpeg().toFile(path.join(dir, 'cmyk.jpg'));
    await photo.clone().toColourspace('rgb16').png().toFile(path.join(dir, 'deep.png'));
    const jpeg = await readFile(path.join(dir, 'ok.jpg'));
    await writeFile(path.join(dir, 'corrupt.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await writeFile(path.join(dir, 'empty.jpg'), '');
    await writeFile(path.join(dir, 'notes.jpg'), 'these are notes, not a photo\n');
    await writeFile(path.join(dir, 'bomb.png'), bombPng(20_000, 20_000));
    const names = Object.keys(EXPECTED);
    const coco = oneBoxEach(names, 160, 120);
    const annotationPath = path.join(dir, 'instances_broken.json');
    await writeFile(annotationPath, JSON.stringify(coco));
    const job = await postIngest(server.url, { annotation_path: annotationPath, image_dir: dir });
    datasetId = job.dataset_id;
    complete = terminalOf(await followJob(server.url, job.job_id))!.data;
    samples = (await getJson(`${server.url}/samples?dataset_id=${datasetId}`)).body.items;
  });
  after(async () => {
    await server.stop();
  });

  it('completes, counting each kind of failure', () => {
    expect(complete.image_count).to.equal(9);
    expect(complete.thumbnails).to.include({ generated: 4, failed: 5 });
    expect(complete.failures).to.deep.equal({ IMAGE_UNDECODABLE: 2, IMAGE_MISSING: 1, IMAGE_UNSUPPORTED: 1, IMAGE_TOO_LARGE: 1 });
  });

  it('keeps every sample listed, each broken one with its failure naming the file', () => {
    expect(samples).to.have.length(9);
    for (const sample of samples) {
      const code = EXPECTED[sample.file_name];
      if (code === null) expect(sample.image_error, sample.file_name).to.equal(null);
      else {
        expect(sample.image_error?.code, sample.file_name).to.equal(code);
        expect(sample.image_error?.message).to.include(sample.file_name);
      }
    }
  });

  it('answers a broken image’s routes with a JSON error: 404 when missing, 422 when undecodable', async () => {
    for (const sample of samples.filter((s) => s.image_error)) {
      const status = sample.image_error!.code === 'IMAGE_MISSING' ? 404 : 422;
      for (const size of ['medium', 'small']) {
        const response = await getJson(`${server.url}/images/${datasetId}/${sample.id}?size=${size}`);
        expect(response.status, `${sample.file_name} ${size}`).to.equal(status);
        expect(response.body.error.code).to.equal(sample.image_error!.code);
      }
    }
  });

  it('makes upright 8-bit thumbnails of the rotated, CMYK and 16-bit images', async () => {
    for (const name of ['portrait.jpg', 'cmyk.jpg', 'deep.png']) {
      const sample = samples.find((s) => s.file_name === name)!;
      const response = await fetch(`${server.url}/images/${datasetId}/${sample.id}?size=medium`);
      expect(response.status, name).to.equal(200);
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(meta.format).to.equal('webp');
      expect(meta.space).to.equal('srgb');
      if (name === 'portrait.jpg') expect([meta.width, meta.height]).to.deep.equal([171, 256]);
    }
  });
});

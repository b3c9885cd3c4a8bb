import { copyFile, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { makeDataset } from '../helpers/makeDataset.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

describe('images that resolve outside their folder', function () {
  this.timeout(60_000);
  let server: TestServer;
  let datasetId: number;
  let complete: Record<string, any>;

  before(async () => {
    server = await startTestServer();
    const dir = path.join(server.scratch, 'linked');
    const { annotationPath, imageDir } = await makeDataset(dir, 3);
    // A photo in the ingest roots but outside the image folder, reached through a symlink.
    const outside = path.join(server.scratch, 'elsewhere');
    await mkdir(outside, { recursive: true });
    const photo = (await import('node:fs/promises').then((fs) => fs.readdir(path.join(SAMPLE_DIR, 'images/val')))).find((n) => n.endsWith('.jpg'))!;
    await copyFile(path.join(SAMPLE_DIR, 'images/val', photo), path.join(outside, 'private.jpg'));
    const linked = path.join(imageDir, '000000000002.jpg');
    await import('node:fs/promises').then((fs) => fs.rm(linked));
    await symlink(path.join(outside, 'private.jpg'), linked);
    const job = await postIngest(server.url, { annotation_path: annotationPath, image_dir: imageDir });
    datasetId = job.dataset_id;
    complete = terminalOf(await followJob(server.url, job.job_id))!.data;
  });
  after(async () => {
    await server.stop();
  });

  it('completes, counting the symlinked image as refused and the others as made', () => {
    expect(complete.image_count).to.equal(3);
    expect(complete.thumbnails).to.include({ generated: 2, failed: 1 });
    expect(complete.failures).to.deep.equal({ IMAGE_REFUSED: 1 });
  });

  it('keeps the sample listed with its failure, and answers its image routes with 403', async () => {
    const { body } = await getJson(`${server.url}/samples?dataset_id=${datasetId}`);
    const refused = body.items.find((s: { coco_id: number }) => s.coco_id === 2);
    expect(refused.image_error.code).to.equal('IMAGE_REFUSED');
    for (const size of ['medium', 'large', 'original']) {
      const response = await getJson(`${server.url}/images/${datasetId}/${refused.id}?size=${size}`);
      expect(response.status, size).to.equal(403);
      expect(response.body.error.code).to.equal('IMAGE_REFUSED');
    }
    const fine = body.items.find((s: { coco_id: number }) => s.coco_id === 1);
    expect((await fetch(`${server.url}/images/${datasetId}/${fine.id}?size=original`)).status).to.equal(200);
  });
});

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { followJob, getJson, postIngest, type ReceivedEvent, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const IMAGE_DIR = path.join(SAMPLE_DIR, 'images/val');

// Two good images and two bad ones; four good annotations and six bad ones, one of
// them not even JSON. Written by hand, as a broken export would be.
const annotations = [
  '{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 30, 40], "area": 1200, "iscrowd": 0}',
  '{"id": 2, "image_id": 1, "category_id": 2, "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0}',
  '{"id": 3, "image_id": 2, "category_id": 1, "bbox": [1, 2, 3], "area": 6, "iscrowd": 0}',
  '{"id": 4, "image_id": 99, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}',
  '{"id": 5, "image_id": 2, "category_id": 77, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}',
  '{"id": 6, "image_id": 2, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0,}',
  '{"id": 1, "image_id": 2, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}',
  '{"id": 7, "image_id": 2, "category_id": 2, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}',
  '{"id": "8", "image_id": 2, "category_id": 2, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0}',
  '{"id": 9, "image_id": 2, "category_id": 2, "bbox": [0, 0, 3, 4], "area": 12, "iscrowd": 0}',
];

async function writeBroken(dir: string): Promise<string> {
  const text =
    '{"info": {"description": "broken on purpose"}, "images": [' +
    '{"id": 1, "file_name": "000000000139.jpg", "width": 640, "height": 426},' +
    '{"id": 2, "file_name": "000000000285.jpg", "width": 586, "height": 640},' +
    '{"id": 1, "file_name": "000000000632.jpg", "width": 640, "height": 483},' +
    '{"id": 3, "width": 10, "height": 10}' +
    `], "annotations": [${annotations.join(',\n')}], "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}]}`;
  const file = path.join(dir, 'broken_skip.json');
  await writeFile(file, text);
  return file;
}

describe('on_invalid', function () {
  this.timeout(60_000);
  let server: TestServer;
  let file: string;

  before(async () => {
    server = await startTestServer();
    file = await writeBroken(server.scratch);
  });
  after(async () => {
    await server.stop();
  });

  it('fails the ingest on an invalid record by default, naming it', async () => {
    const job = await postIngest(server.url, { annotation_path: file, image_dir: IMAGE_DIR, thumbnails: 'none' });
    const failed = terminalOf(await followJob(server.url, job.job_id))!;
    expect(failed.event).to.equal('failed');
    // Records are validated a chunk at a time, before the rules across records (duplicate ids) are applied.
    expect(failed.data.message).to.equal('broken_skip.json: images[3]: missing required field file_name');
    expect((await getJson(`${server.url}/datasets/${job.dataset_id}`)).body.status).to.equal('failed');
  });

  describe('"skip"', () => {
    let events: ReceivedEvent[];
    let complete: Record<string, any>;
    let datasetId: number;

    before(async () => {
      const job = await postIngest(server.url, { annotation_path: file, image_dir: IMAGE_DIR, thumbnails: 'none', on_invalid: 'skip' });
      datasetId = job.dataset_id;
      events = await followJob(server.url, job.job_id);
      complete = terminalOf(events)!.data;
    });

    it('completes, counting the skipped records by section', () => {
      expect(terminalOf(events)!.event).to.equal('complete');
      expect(complete.skipped).to.deep.equal({ images: 2, annotations: 6, categories: 0 });
      expect(complete.image_count).to.equal(2);
      expect(complete.annotation_count).to.equal(4);
    });

    it('names each skipped record in a warning, as a strict ingest would have failed', () => {
      const messages = events.filter((e) => e.event === 'warning').map((e) => e.data.message as string);
      expect(messages).to.have.length(8);
      expect(messages).to.include.members([
        'skipped: broken_skip.json: images[2].id: duplicate image id 1 (first at images[0])',
        'skipped: broken_skip.json: images[3]: missing required field file_name',
        'skipped: broken_skip.json: annotations[3].image_id: no image has id 99',
        'skipped: broken_skip.json: annotations[4].category_id: no category has id 77',
        'skipped: broken_skip.json: annotations[6].id: duplicate annotation id 1 (first at annotations[0])',
      ]);
      expect(messages.some((m) => /^skipped: broken_skip\.json: annotations\[2\]\.bbox: expected 4 numbers/.test(m))).to.equal(true);
      expect(messages.some((m) => /^skipped: broken_skip\.json: annotations\[5\]: invalid JSON at byte \d+: /.test(m))).to.equal(true);
      expect(messages.some((m) => /^skipped: broken_skip\.json: annotations\[8\]\.id: /.test(m))).to.equal(true);
      expect(events.filter((e) => e.event === 'warning').every((e) => e.data.code === 'RECORD_SKIPPED')).to.equal(true);
    });

    it('leaves a ready dataset holding exactly the valid records', async () => {
      const { body } = await getJson(`${server.url}/datasets/${datasetId}`);
      expect(body).to.include({ status: 'ready', image_count: 2, annotation_count: 4 });
      const samples = (await getJson(`${server.url}/samples?dataset_id=${datasetId}`)).body.items;
      expect(samples.map((s: { coco_id: number }) => s.coco_id).sort()).to.deep.equal([1, 2]);
      const ids: number[] = [];
      for (const sample of samples) {
        const anns = (await getJson(`${server.url}/samples/${sample.id}/annotations?dataset_id=${datasetId}`)).body.items;
        ids.push(...anns.map((a: { coco_id: number }) => a.coco_id));
      }
      expect(ids.sort((a, b) => a - b)).to.deep.equal([1, 2, 7, 9]);
    });
  });

  it('refuses an unknown on_invalid value with 400', async () => {
    const response = await getJson(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: file, image_dir: IMAGE_DIR, on_invalid: 'ignore' }),
    });
    expect(response.status).to.equal(400);
    expect(response.body.error.message).to.include('on_invalid');
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { decodeMask, rleFromString } from '../../src/formats/panoptic/rle.js';
import { makePanopticSet } from '../helpers/makeFormats.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const INSTANCES = path.join(SAMPLE_DIR, 'annotations/instances_val.json');

/** Ingests and follows the job to its end; returns the terminal event's data. */
async function ingest(server: TestServer, body: Record<string, unknown>): Promise<Record<string, any>> {
  const job = await postIngest(server.url, body);
  const terminal = terminalOf(await followJob(server.url, job.job_id));
  return { event: terminal?.event, ...terminal?.data };
}

async function postPredictions(server: TestServer, datasetId: number, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, any>;
  if (response.status !== 202) return { status: response.status, ...json };
  const terminal = terminalOf(await followJob(server.url, json.job_id));
  return { event: terminal?.event, ...terminal?.data };
}

describe('every COCO file people have, through the API', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  describe('panoptic', () => {
    it('ingests a panoptic file with its PNG folder found beside it, each segment an annotation whose RLE is the PNG pixel for pixel', async () => {
      const dir = path.join(server.scratch, 'panoptic');
      const { images, json } = await makePanopticSet(dir);
      const done = await ingest(server, { annotation_path: json, image_dir: path.join(dir, 'images') });
      expect(done).to.include({ event: 'complete', format: 'panoptic', image_count: 2, annotation_count: 4, category_count: 2 });
      expect(done.failures).to.deep.equal({});
      const dataset = (await getJson(`${server.url}/datasets/${done.dataset_id}`)).body;
      expect(dataset.splits[0]).to.include({ format: 'panoptic', mask_dir: path.join(dir, 'panoptic_val') });
      expect(dataset.categories[0]).to.include({ name: 'person', isthing: 1 });
      expect(dataset.categories[0].color).to.deep.equal([220, 20, 60]);
      const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}`)).body.items;
      for (const image of images) {
        const sample = samples.find((s: any) => s.coco_id === image.id);
        const { items } = (await getJson(`${server.url}/samples/${sample.id}/annotations`)).body;
        expect(items).to.have.length(2);
        for (const segment of items) {
          expect(segment.segmentation.size).to.deep.equal([image.height, image.width]);
          const mask = decodeMask(rleFromString(segment.segmentation.counts), image.height, image.width);
          for (let x = 0; x < image.width; x++) {
            for (let y = 0; y < image.height; y++) {
              expect(mask[x * image.height + y], `segment ${segment.coco_id} at ${x},${y}`).to.equal(image.ids[y * image.width + x] === segment.coco_id ? 1 : 0);
            }
          }
          expect(segment.area).to.equal(image.ids.filter((v) => v === segment.coco_id).length);
        }
      }
    });

    it('counts a segment whose pixels disagree with its area and a missing PNG per kind, listing the samples, and ingests the rest', async () => {
      const dir = path.join(server.scratch, 'panoptic-broken');
      const { json } = await makePanopticSet(dir, { wrongArea: true, missingPng: true });
      const done = await ingest(server, { annotation_path: json, image_dir: path.join(dir, 'images'), mask_dir: path.join(dir, 'panoptic_val') });
      expect(done).to.include({ event: 'complete', image_count: 2, annotation_count: 4 });
      expect(done.failures).to.deep.equal({ MASK_AREA_MISMATCH: 1, MASK_MISSING: 1 });
      const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}`)).body.items;
      const errors = samples.map((s: any) => s.image_error?.code).sort();
      expect(errors).to.deep.equal(['MASK_AREA_MISMATCH', 'MASK_MISSING']);
      expect(samples.find((s: any) => s.coco_id === 100).image_error.message).to.match(/segment 1056816 has \d+ pixels, segments_info\[0\]\.area says \d+/);
    });

    it('fails a panoptic file without a PNG folder, saying so', async () => {
      const dir = path.join(server.scratch, 'panoptic-alone');
      const { json } = await makePanopticSet(dir);
      const moved = path.join(dir, 'renamed.json');
      await writeFile(moved, await readFile(json));
      const done = await ingest(server, { annotation_path: moved, image_dir: path.join(dir, 'images') });
      expect(done).to.include({ event: 'failed', code: 'INVALID_ANNOTATION_FILE' });
      expect(done.message).to.equal('renamed.json: a panoptic file needs its PNG folder: give mask_dir');
    });
  });

  describe('LVIS', () => {
    it('finds images known only by coco_url under their split folder, and keeps the LVIS fields', async () => {
      const coco = JSON.parse(await readFile(INSTANCES, 'utf8'));
      const lvis = {
        info: coco.info,
        // LVIS lists its annotations first, without iscrowd.
        annotations: coco.annotations.map(({ iscrowd: _crowd, ...a }: any) => a),
        images: coco.images.map(({ file_name, ...i }: any) => ({
          ...i,
          coco_url: `http://images.cocodataset.org/val/${file_name}`,
          neg_category_ids: [2],
          not_exhaustive_category_ids: [],
        })),
        licenses: coco.licenses,
        categories: coco.categories.map((c: any) => ({ ...c, synset: `${c.name}.n.01`, synonyms: [c.name], def: 'a thing', frequency: 'f', image_count: 1, instance_count: 1 })),
      };
      const file = path.join(server.scratch, 'lvis_v1_val.json');
      await writeFile(file, JSON.stringify(lvis));
      const done = await ingest(server, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images') });
      expect(done).to.include({ event: 'complete', format: 'lvis', image_count: coco.images.length, annotation_count: coco.annotations.length });
      expect(done.thumbnails).to.include({ generated: coco.images.length, failed: 0 });
      const sample = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&limit=1`)).body.items[0];
      expect(sample).to.include({ file_name: null });
      expect(sample.neg_category_ids).to.deep.equal([2]);
      expect((await fetch(`${server.url}/images/${done.dataset_id}/${sample.id}?size=original`)).status).to.equal(200);
      const dataset = (await getJson(`${server.url}/datasets/${done.dataset_id}`)).body;
      expect(dataset.categories[0]).to.include({ synset: 'person.n.01', frequency: 'f' });
      const annotations = (await getJson(`${server.url}/samples/${sample.id}/annotations`)).body.items;
      expect(annotations.every((a: any) => a.iscrowd === false)).to.equal(true);
    });

    it('finds them by name alone when the image folder is the split folder itself', async () => {
      const coco = JSON.parse(await readFile(INSTANCES, 'utf8'));
      coco.images = coco.images.map(({ file_name, ...i }: any) => ({ ...i, coco_url: `http://images.cocodataset.org/val2017/${file_name}` }));
      const file = path.join(server.scratch, 'lvis_flat.json');
      await writeFile(file, JSON.stringify(coco));
      const done = await ingest(server, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images/val') });
      expect(done).to.include({ event: 'complete', format: 'lvis' });
      expect(done.thumbnails).to.include({ generated: coco.images.length, failed: 0 });
    });
  });

  describe('predictions (the COCO results format)', () => {
    let datasetId: number;
    let groundTruth: Record<string, any>;
    const coco = JSON.parse(JSON.stringify({ images: [] as any[] }));

    before(async () => {
      Object.assign(coco, JSON.parse(await readFile(INSTANCES, 'utf8')));
      const done = await ingest(server, { annotation_path: INSTANCES, image_dir: path.join(SAMPLE_DIR, 'images/val'), thumbnails: 'none' });
      datasetId = done.dataset_id;
      groundTruth = (await getJson(`${server.url}/datasets/${datasetId}`)).body;
    });

    const results = (n: number, imageId?: number) =>
      coco.annotations.slice(0, n).map((a: any, k: number) => ({
        image_id: imageId !== undefined && k === 17 ? imageId : a.image_id,
        category_id: a.category_id,
        bbox: a.bbox,
        score: Math.round((0.3 + (k % 7) / 10) * 100) / 100,
        ...(k % 2 === 0 ? { segmentation: a.segmentation } : {}),
      }));

    it('loads a results file as a named prediction set beside the ground truth, shown with scores above min_score', async () => {
      const file = path.join(server.scratch, 'results.json');
      await writeFile(file, JSON.stringify(results(30)));
      const done = await postPredictions(server, datasetId, { annotation_path: file, name: 'yolo-v9' });
      expect(done).to.include({ event: 'complete', format: 'results', prediction_count: 30, name: 'yolo-v9' });
      const dataset = (await getJson(`${server.url}/datasets/${datasetId}`)).body;
      expect(dataset.prediction_sets).to.have.length(1);
      expect(dataset.prediction_sets[0]).to.include({ name: 'yolo-v9', prediction_count: 30, status: 'ready' });
      expect(dataset).to.include({ image_count: groundTruth.image_count, annotation_count: groundTruth.annotation_count });
      const sample = (await getJson(`${server.url}/samples?dataset_id=${datasetId}&limit=1`)).body.items[0];
      const all = (await getJson(`${server.url}/samples/${sample.id}/annotations?predictions=yolo-v9`)).body.items;
      const expected = results(30).filter((r: any) => r.image_id === sample.coco_id);
      expect(all).to.have.length(expected.length);
      expect(all.every((p: any) => typeof p.score === 'number')).to.equal(true);
      const high = (await getJson(`${server.url}/samples/${sample.id}/annotations?predictions=yolo-v9&min_score=0.8`)).body.items;
      expect(high.map((p: any) => p.score)).to.deep.equal(expected.filter((r: any) => r.score >= 0.8).map((r: any) => r.score).sort((a: number, b: number) => b - a));
      const truth = (await getJson(`${server.url}/samples/${sample.id}/annotations`)).body.items;
      expect(truth.every((a: any) => a.score === undefined)).to.equal(true);
      expect((await getJson(`${server.url}/samples/${sample.id}/annotations?predictions=nope`)).status).to.equal(404);
    });

    it('fails a result naming an image the dataset lacks, naming the record, and stores nothing of the set', async () => {
      const file = path.join(server.scratch, 'results-bad.json');
      await writeFile(file, JSON.stringify(results(20, 42)));
      const done = await postPredictions(server, datasetId, { annotation_path: file, name: 'bad' });
      expect(done).to.include({ event: 'failed', code: 'INVALID_ANNOTATION_FILE', message: 'results-bad.json: [17].image_id: no image has id 42' });
      const sets = (await getJson(`${server.url}/datasets/${datasetId}`)).body.prediction_sets;
      expect(sets.find((s: any) => s.name === 'bad')).to.include({ status: 'failed', prediction_count: 0 });
      const skipped = await postPredictions(server, datasetId, { annotation_path: file, name: 'bad', on_invalid: 'skip' });
      expect(skipped).to.include({ event: 'complete', prediction_count: 19 });
      expect(skipped.skipped).to.deep.equal({ results: 1 });
    });

    it('deletes a prediction set with 204, and refuses a name in use with 409', async () => {
      const file = path.join(server.scratch, 'results-del.json');
      await writeFile(file, JSON.stringify(results(5)));
      expect(await postPredictions(server, datasetId, { annotation_path: file, name: 'gone' })).to.include({ event: 'complete' });
      expect(await postPredictions(server, datasetId, { annotation_path: file, name: 'gone' })).to.include({ status: 409 });
      expect((await fetch(`${server.url}/datasets/${datasetId}/predictions/gone`, { method: 'DELETE' })).status).to.equal(204);
      expect((await fetch(`${server.url}/datasets/${datasetId}/predictions/gone`, { method: 'DELETE' })).status).to.equal(404);
      const sets = (await getJson(`${server.url}/datasets/${datasetId}`)).body.prediction_sets;
      expect(sets.map((s: any) => s.name)).to.not.include('gone');
    });

    it('refuses a results file given as a split, pointing to the predictions route', async () => {
      const file = path.join(server.scratch, 'results-as-split.json');
      await writeFile(file, JSON.stringify(results(3)));
      const done = await ingest(server, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images/val') });
      expect(done).to.include({ event: 'failed', code: 'INVALID_ANNOTATION_FILE' });
      expect(done.message).to.match(/^results-as-split\.json: a COCO results file .* POST \/datasets\/\{id\}\/predictions$/);
    });
  });

  it('says what each split was: instances, keypoints, captions', async () => {
    for (const [kind, format] of [['instances', 'instances'], ['person_keypoints', 'keypoints'], ['captions', 'captions']]) {
      const done = await ingest(server, { annotation_path: path.join(SAMPLE_DIR, `annotations/${kind}_val.json`), image_dir: path.join(SAMPLE_DIR, 'images/val'), thumbnails: 'none' });
      expect(done, kind).to.include({ event: 'complete', format });
    }
  });
});

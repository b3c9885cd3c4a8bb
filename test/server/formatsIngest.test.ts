import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { decodeMask, rleFromString } from '../../src/formats/panoptic/rle.js';
import { readEvaluationJson } from '../helpers/evaluationFixture.js';
import { exportedRows } from '../helpers/exportedRows.js';
import { ingest, postPredictions, runHashJob } from '../helpers/ingest.js';
import { getJson, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, useTestServer } from '../helpers/startTestServer.js';

const INSTANCES = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
const PYCOCOTOOLS_STRINGS: Record<string, Record<string, string>> = readEvaluationJson('panoptic_golden.json');

describe('every COCO file people have, through the API', function () {
  this.timeout(60_000);
  const server = useTestServer();

  describe('panoptic', () => {
    const PANOPTIC = path.join(SAMPLE_DIR, 'annotations/panoptic_val.json');
    const PNG_DIR = path.join(SAMPLE_DIR, 'annotations/panoptic_val');

    /** The segment ids of a panoptic PNG, pixel by pixel (row-major), decoded here with sharp. */
    async function pngIds(file: string): Promise<{ width: number; height: number; ids: number[] }> {
      const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      const ids: number[] = [];
      for (let p = 0; p < info.width * info.height; p++) ids.push(data[p * 3]! + 256 * data[p * 3 + 1]! + 65536 * data[p * 3 + 2]!);
      return { width: info.width, height: info.height, ids };
    }

    /** A copy of the panoptic fixture in the scratch folder, changed by `edit`. */
    async function variant(name: string, edit: (json: any, pngDir: string) => Promise<void>): Promise<string> {
      const dir = path.join(server.scratch, name);
      await cp(PNG_DIR, path.join(dir, 'panoptic_val'), { recursive: true });
      const json = JSON.parse(await readFile(PANOPTIC, 'utf8'));
      await edit(json, path.join(dir, 'panoptic_val'));
      await writeFile(path.join(dir, 'panoptic_val.json'), JSON.stringify(json));
      return path.join(dir, 'panoptic_val.json');
    }

    it('ingests a panoptic file with its PNG folder found beside it, each segment an annotation whose RLE is the PNG pixel for pixel', async () => {
      const file = JSON.parse(await readFile(PANOPTIC, 'utf8'));
      const segments = file.annotations.reduce((n: number, r: any) => n + r.segments_info.length, 0);
      const done = await ingest(server, { annotation_path: PANOPTIC, image_dir: path.join(SAMPLE_DIR, 'images/val') });
      expect(done).to.include({ event: 'complete', format: 'panoptic', image_count: 12, annotation_count: segments, category_count: 12 });
      expect(done.failures).to.deep.equal({});
      const dataset = (await getJson(`${server.url}/datasets/${done.dataset_id}`)).body;
      expect(dataset.splits[0]).to.include({ format: 'panoptic', mask_dir: PNG_DIR });
      expect(dataset.categories[0]).to.include({ name: 'person', isthing: 1 });
      expect(dataset.categories[0].color).to.deep.equal([220, 20, 60]);
      expect(dataset.categories.at(-1)).to.include({ name: 'wall-other-merged', isthing: 0 });
      const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}`)).body.items;
      const pixelCounts = new Map<string, number>();
      for (const record of file.annotations) {
        const png = await pngIds(path.join(PNG_DIR, record.file_name));
        for (const id of png.ids) pixelCounts.set(`${record.image_id}:${id}`, (pixelCounts.get(`${record.image_id}:${id}`) ?? 0) + 1);
        const sample = samples.find((s: any) => s.coco_id === record.image_id);
        const { items } = (await getJson(`${server.url}/samples/${sample.id}/annotations`)).body;
        expect(items.map((a: any) => a.coco_id)).to.have.members(record.segments_info.map((s: any) => s.id));
        for (const segment of items) {
          expect(segment.segmentation.size).to.deep.equal([png.height, png.width]);
          // The string pycocotools' mask.encode gives for this segment (fixtures/evaluation/makeReference.py).
          expect(segment.segmentation.counts, `segment ${segment.coco_id}`).to.equal(PYCOCOTOOLS_STRINGS[record.file_name][segment.coco_id]);
          const mask = decodeMask(rleFromString(segment.segmentation.counts), png.height, png.width);
          const expected = new Uint8Array(png.width * png.height);
          png.ids.forEach((id, p) => {
            if (id === segment.coco_id) expected[(p % png.width) * png.height + Math.floor(p / png.width)] = 1;
          });
          expect(Buffer.from(mask).equals(Buffer.from(expected)), `segment ${segment.coco_id} of ${record.file_name}`).to.equal(true);
          const info = record.segments_info.find((s: any) => s.id === segment.coco_id);
          expect(segment).to.include({ segment_id: info.id, area: info.area, category_id: info.category_id, iscrowd: info.iscrowd === 1 });
          expect(segment.bbox).to.deep.equal(info.bbox);
        }
      }
      // Each segment's mask_area (what the area_mismatch check reads) is its pixel count in the PNG, counted here.
      const stored = await exportedRows(server, done.dataset_id, 'annotations', 'image_coco_id, coco_id, mask_area', 'id');
      expect(stored).to.have.length(segments);
      for (const row of stored) expect(Number(row.mask_area), `segment ${row.coco_id}`).to.equal(pixelCounts.get(`${row.image_coco_id}:${row.coco_id}`));
    });

    it('counts a segment whose pixels disagree with its area, a missing PNG and one of the wrong size per kind, listing the samples, and ingests the rest', async () => {
      const file = await variant('panoptic-broken', async (json, pngDir) => {
        json.annotations[0].segments_info[0].area += 1;
        await rm(path.join(pngDir, json.annotations[1].file_name));
        await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
          .png()
          .toFile(path.join(pngDir, json.annotations[2].file_name));
      });
      // Without hashes, so that the hash job below reads every image, those with a broken mask included.
      const done = await ingest(server, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images/val'), hashes: false });
      expect(done).to.include({ event: 'complete', image_count: 12 });
      expect(done.failures).to.deep.equal({ MASK_AREA_MISMATCH: 1, MASK_MISSING: 1, MASK_SIZE_MISMATCH: 1 });
      const errorsNow = async () =>
        (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}`)).body.items
          .filter((s: any) => s.image_error !== null)
          .map((s: any) => s.image_error.code)
          .sort();
      expect(await errorsNow()).to.deep.equal(['MASK_AREA_MISMATCH', 'MASK_MISSING', 'MASK_SIZE_MISMATCH']);
      // The hash job reads the images, not the masks: reading them fine clears no mask failure.
      const hashed = terminalOf((await runHashJob(server, done.dataset_id)).events)!;
      expect(hashed.data).to.include({ hashed: 12, failed: 0 });
      expect(await errorsNow()).to.deep.equal(['MASK_AREA_MISMATCH', 'MASK_MISSING', 'MASK_SIZE_MISMATCH']);
      const samples = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}`)).body.items;
      const json = JSON.parse(await readFile(file, 'utf8'));
      const mismatch = samples.find((s: any) => s.coco_id === json.annotations[0].image_id).image_error.message;
      expect(mismatch).to.match(new RegExp(`segment ${json.annotations[0].segments_info[0].id} has \\d+ pixels, segments_info\\[0\\]\\.area says \\d+`));
    });

    it('lists a sample whose image and PNG are both missing once, with its image failure, and counts both', async () => {
      const images = path.join(server.scratch, 'panoptic-images');
      await cp(path.join(SAMPLE_DIR, 'images/val'), images, { recursive: true });
      let gone = '';
      const file = await variant('panoptic-both-missing', async (json, pngDir) => {
        gone = json.images.find((i: any) => i.id === json.annotations[1].image_id).file_name;
        await rm(path.join(pngDir, json.annotations[1].file_name));
      });
      await rm(path.join(images, gone));
      const done = await ingest(server, { annotation_path: file, image_dir: images });
      expect(done).to.include({ event: 'complete', image_count: 12 });
      expect(done.failures).to.deep.equal({ IMAGE_MISSING: 1, MASK_MISSING: 1 });
      const { body } = await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}`);
      expect(body.total).to.equal(12);
      expect(new Set(body.items.map((s: any) => s.id)).size).to.equal(12);
      const failed = body.items.filter((s: any) => s.image_error !== null);
      expect(failed.map((s: any) => [s.file_name, s.image_error.code])).to.deep.equal([[gone, 'IMAGE_MISSING']]);
      expect((await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&has_image_error=true`)).body.total).to.equal(1);
    });

    it('fails a panoptic file without a PNG folder, saying so', async () => {
      const file = path.join(server.scratch, 'renamed.json');
      await writeFile(file, await readFile(PANOPTIC));
      const done = await ingest(server, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images/val') });
      expect(done).to.include({ event: 'failed', code: 'INVALID_ANNOTATION_FILE' });
      expect(done.message).to.equal('renamed.json: a panoptic file needs its PNG folder: give mask_dir');
    });

    it('looks for a PNG folder beside a file only when its name says panoptic', async () => {
      const dir = path.join(server.scratch, 'beside');
      await cp(PNG_DIR, path.join(dir, 'instances_val'), { recursive: true });
      await cp(path.join(SAMPLE_DIR, 'annotations/instances_val.json'), path.join(dir, 'instances_val.json'));
      const done = await ingest(server, { annotation_path: path.join(dir, 'instances_val.json'), image_dir: path.join(SAMPLE_DIR, 'images/val') });
      expect(done).to.include({ event: 'complete', format: 'instances' });
      const dataset = (await getJson(`${server.url}/datasets/${done.dataset_id}`)).body;
      expect(dataset.splits[0].mask_dir ?? null).to.equal(null);
    });
  });

  describe('LVIS', () => {
    it('finds images known only by coco_url under their split folder, and keeps the LVIS fields', async () => {
      const file = path.join(SAMPLE_DIR, 'annotations/lvis_val.json');
      const lvis = JSON.parse(await readFile(file, 'utf8'));
      const done = await ingest(server, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images') });
      expect(done).to.include({ event: 'complete', format: 'lvis', image_count: lvis.images.length, annotation_count: lvis.annotations.length });
      expect(done.thumbnails).to.include({ generated: lvis.images.length, failed: 0 });
      const sample = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&limit=1`)).body.items[0];
      const record = lvis.images.find((i: any) => i.id === sample.coco_id);
      expect(sample).to.include({ file_name: null, coco_url: record.coco_url });
      expect(sample.neg_category_ids).to.deep.equal(record.neg_category_ids);
      expect(sample.not_exhaustive_category_ids).to.deep.equal([]);
      expect((await fetch(`${server.url}/images/${done.dataset_id}/${sample.id}?size=original`)).status).to.equal(200);
      const dataset = (await getJson(`${server.url}/datasets/${done.dataset_id}`)).body;
      expect(dataset.categories[0]).to.include({ synset: 'person.n.01', frequency: 'f', def: 'a person (person)' });
      expect(dataset.categories[0].synonyms).to.deep.equal(['person']);
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
      const file = path.join(SAMPLE_DIR, 'annotations/results_val.json');
      const fixture = JSON.parse(await readFile(file, 'utf8'));
      const done = await postPredictions(server, datasetId, { annotation_path: file, name: 'yolo-v9' });
      expect(done).to.include({ event: 'complete', format: 'results', prediction_count: fixture.length, name: 'yolo-v9' });
      const dataset = (await getJson(`${server.url}/datasets/${datasetId}`)).body;
      expect(dataset.prediction_sets).to.have.length(1);
      expect(dataset.prediction_sets[0]).to.include({ name: 'yolo-v9', prediction_count: fixture.length, status: 'ready' });
      expect(dataset).to.include({ image_count: groundTruth.image_count, annotation_count: groundTruth.annotation_count });
      const sample = (await getJson(`${server.url}/samples?dataset_id=${datasetId}&limit=1`)).body.items[0];
      const all = (await getJson(`${server.url}/samples/${sample.id}/annotations?predictions=yolo-v9`)).body.items;
      const expected = fixture.filter((r: any) => r.image_id === sample.coco_id);
      expect(all).to.have.length(expected.length);
      expect(all.every((p: any) => typeof p.score === 'number')).to.equal(true);
      const high = (await getJson(`${server.url}/samples/${sample.id}/annotations?predictions=yolo-v9&min_score=0.8`)).body.items;
      expect(high.map((p: any) => p.score)).to.deep.equal(
        expected
          .filter((r: any) => r.score >= 0.8)
          .map((r: any) => r.score)
          .sort((a: number, b: number) => b - a),
      );
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

  it('says what each split was: instances, keypoints, captions, image_info', async () => {
    for (const [kind, format] of [
      ['instances', 'instances'],
      ['person_keypoints', 'keypoints'],
      ['captions', 'captions'],
      ['image_info', 'image_info'],
    ]) {
      const done = await ingest(server, {
        annotation_path: path.join(SAMPLE_DIR, `annotations/${kind}_val.json`),
        image_dir: path.join(SAMPLE_DIR, 'images/val'),
        thumbnails: 'none',
      });
      expect(done, kind).to.include({ event: 'complete', format });
    }
  });
});

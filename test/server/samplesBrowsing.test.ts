import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ingest, postPredictions } from '../helpers/ingest.js';
import { getJson } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const INSTANCES = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

describe('browsing samples: cursors, filters and statistics', function () {
  this.timeout(60_000);
  let server: TestServer;
  let datasetId: number;
  let coco: any;
  /** COCO image id -> sample id. */
  const sampleOf = new Map<number, number>();

  const list = async (query: string) => {
    const limit = /(^|&)limit=/.test(query) ? '' : '&limit=200';
    const response = await getJson(`${server.url}/samples?dataset_id=${datasetId}${limit}&${query}`);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  };
  /** The COCO image ids a filtered list returns, in order. */
  const cocoIds = async (query: string) => (await list(query)).items.map((s: any) => s.coco_id);
  /** The file's image ids, in id order of their samples, whose annotations pass `keep`. */
  const expected = (keep: (annotations: any[]) => boolean) =>
    coco.images
      .filter((image: any) => keep(coco.annotations.filter((a: any) => a.image_id === image.id)))
      .sort((x: any, y: any) => sampleOf.get(x.id)! - sampleOf.get(y.id)!)
      .map((image: any) => image.id);

  before(async () => {
    server = await startTestServer();
    coco = JSON.parse(await readFile(INSTANCES, 'utf8'));
    const done = await ingest(server, { annotation_path: INSTANCES, image_dir: VAL_IMAGES, thumbnails: 'none' });
    datasetId = done.dataset_id;
    for (const sample of (await list('')).items) sampleOf.set(sample.coco_id, sample.id);
  });
  after(async () => {
    await server?.stop();
  });

  it('walks every sample by cursor, in id order, with next_cursor null at the end and the total on the first page only', async () => {
    const seen: number[] = [];
    let page = await list('limit=5');
    expect(page.total).to.equal(coco.images.length);
    for (;;) {
      seen.push(...page.items.map((s: any) => s.id));
      if (page.next_cursor === null) break;
      page = await list(`limit=5&cursor=${page.next_cursor}`);
      expect(page).not.to.have.property('total');
    }
    expect(seen).to.deep.equal([...sampleOf.values()].sort((a, b) => a - b));
    const counted = await list(`limit=5&total=true&cursor=${(await list('limit=5')).next_cursor}`);
    expect(counted.total).to.equal(coco.images.length);
  });

  it('refuses a cursor it did not make, and a cursor with an offset, naming the field', async () => {
    const forged = await getJson(`${server.url}/samples?dataset_id=${datasetId}&cursor=bm9wZQ`);
    expect(forged.status).to.equal(400);
    expect(forged.body.error.message).to.include('cursor: must be a cursor from next_cursor');
    const both = await getJson(`${server.url}/samples?dataset_id=${datasetId}&offset=5&cursor=${(await list('limit=1')).next_cursor}`);
    expect(both.status).to.equal(400);
    expect(both.body.error.message).to.include('cursor and offset do not go together');
  });

  it('filters by the number of annotations, iscrowd and COCO area class, the annotation conditions met by one annotation', async () => {
    expect(await cocoIds('min_annotations=3')).to.deep.equal(expected((as) => as.length >= 3));
    expect(await cocoIds('min_annotations=1&max_annotations=2')).to.deep.equal(expected((as) => as.length >= 1 && as.length <= 2));
    expect(await cocoIds('iscrowd=true')).to.deep.equal(expected((as) => as.some((a) => a.iscrowd === 1)));
    expect(await cocoIds('area=small')).to.deep.equal(expected((as) => as.some((a) => a.area < 32 ** 2)));
    expect(await cocoIds('area=large')).to.deep.equal(expected((as) => as.some((a) => a.area >= 96 ** 2)));
    const category = coco.categories.find((c: any) => coco.annotations.some((a: any) => a.category_id === c.id && a.area < 96 ** 2));
    expect(await cocoIds(`category=${encodeURIComponent(category.name)}&area=large`)).to.deep.equal(
      expected((as) => as.some((a) => a.category_id === category.id && a.area >= 96 ** 2)),
    );
    const bad = await getJson(`${server.url}/samples?dataset_id=${datasetId}&area=huge&iscrowd=maybe`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.include('area').and.include('iscrowd');
  });

  it('walks a filtered list by cursor a page at a time, giving what the offset pages and the file give', async () => {
    const medium = (a: any) => a.area >= 32 ** 2 && a.area < 96 ** 2;
    const category = coco.categories.find((c: any) => coco.annotations.filter((a: any) => a.category_id === c.id).length >= 3);
    const cases: [string, (as: any[]) => boolean][] = [
      // iscrowd and area together, with no category: a row per category of each sample in sample_categories, so the
      // general page query; the next two read their pages from the counter table alone (pageIdsOfSet).
      ['iscrowd=false&area=medium', (as) => as.some((a) => a.iscrowd === 0 && medium(a))],
      ['min_annotations=2', (as) => as.length >= 2],
      [`category=${encodeURIComponent(category.name)}`, (as) => as.some((a) => a.category_id === category.id)],
    ];
    for (const [filter, keep] of cases) {
      const want = expected(keep);
      expect(want.length, filter).to.be.above(2);
      for (const limit of [1, 2]) {
        const walked: number[] = [];
        let page = await list(`${filter}&limit=${limit}`);
        for (;;) {
          walked.push(...page.items.map((s: any) => s.coco_id));
          if (page.next_cursor === null) break;
          page = await list(`${filter}&limit=${limit}&cursor=${page.next_cursor}`);
        }
        expect(walked, `${filter}, pages of ${limit}`).to.deep.equal(want);
      }
      const byOffset: number[] = [];
      for (let offset = 0; offset <= want.length; offset++) byOffset.push(...(await cocoIds(`${filter}&limit=1&offset=${offset}`)));
      expect(byOffset, `${filter}, by offset`).to.deep.equal(want);
    }
  });

  it('filters by image errors, and by a prediction set above a score', async () => {
    expect(await cocoIds('has_image_error=false')).to.have.length(coco.images.length);
    expect(await cocoIds('has_image_error=true')).to.deep.equal([]);
    const resultsPath = path.join(SAMPLE_DIR, 'annotations/results_val.json');
    const results = JSON.parse(await readFile(resultsPath, 'utf8'));
    expect((await postPredictions(server, datasetId, { annotation_path: resultsPath, name: 'detector' })).event).to.equal('complete');
    const above = new Set(results.filter((r: any) => r.score >= 0.5).map((r: any) => r.image_id));
    expect(await cocoIds('predictions=detector&min_score=0.5')).to.deep.equal(expected(() => true).filter((id: number) => above.has(id)));
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&min_score=0.5`)).status).to.equal(400);
  });

  it('lists only the samples whose image failed with has_image_error=true', async () => {
    const broken = { ...coco, images: [...coco.images.slice(0, 2), { ...coco.images[2], id: 999_001, file_name: 'not-there.jpg' }], annotations: [] };
    const file = path.join(server.scratch, 'one-missing.json');
    await writeFile(file, JSON.stringify(broken));
    const done = await ingest(server, { annotation_path: file, image_dir: VAL_IMAGES });
    const page = (await getJson(`${server.url}/samples?dataset_id=${done.dataset_id}&has_image_error=true`)).body;
    expect(page.items.map((s: any) => s.coco_id)).to.deep.equal([999_001]);
    expect(page.items[0].image_error.code).to.equal('IMAGE_MISSING');
  });

  it('answers per-split statistics: categories, annotations per image and area classes, as counted from the file', async () => {
    const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/stats`);
    expect(status).to.equal(200);
    const [split] = body.splits;
    expect(split).to.include({ images: coco.images.length, annotations: coco.annotations.length });
    for (const category of split.categories) {
      const own = coco.annotations.filter((a: any) => a.category_id === category.id);
      expect(category).to.include({ annotations: own.length, images: new Set(own.map((a: any) => a.image_id)).size });
    }
    expect(split.categories.reduce((n: number, c: any) => n + c.annotations, 0)).to.equal(coco.annotations.length);
    expect(split.annotations_per_image.histogram.reduce((n: number, b: any) => n + b.images, 0)).to.equal(coco.images.length);
    const counts = coco.images.map((i: any) => coco.annotations.filter((a: any) => a.image_id === i.id).length);
    expect(split.annotations_per_image.max).to.equal(Math.max(...counts));
    expect(split.area).to.deep.equal({
      small: coco.annotations.filter((a: any) => a.area < 32 ** 2).length,
      medium: coco.annotations.filter((a: any) => a.area >= 32 ** 2 && a.area < 96 ** 2).length,
      large: coco.annotations.filter((a: any) => a.area >= 96 ** 2).length,
    });
    expect((await getJson(`${server.url}/datasets/999999/stats`)).status).to.equal(404);
  });
});

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { COCO_2017_CATEGORIES } from '../../bench/cocoCategories.js';
import { generateCoco } from '../../bench/generateCoco.js';
import { generatePhotoPool } from '../../bench/generatePhotoPool.js';
import { loadImagePool } from '../../bench/loadImagePool.js';
import type { PoolPhoto } from '../../bench/PoolPhoto.js';
import { type PreparedDataset, prepareDataset } from '../../bench/prepareDataset.js';

interface Json {
  [key: string]: any;
}

// Enough images for the averages to settle, small enough to parse whole.
const IMAGES = 2000;

describe('bench: generated COCO datasets', function () {
  this.timeout(60_000);
  let dir: string;
  let photos: PoolPhoto[];
  let dataset: PreparedDataset;
  let json: Json;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bench-generate-'));
    // Two sizes, so that a mix-up of dimensions between photos shows.
    await generatePhotoPool(path.join(dir, 'pool', 'wide'), { count: 2, width: 64, height: 48 });
    await generatePhotoPool(path.join(dir, 'pool', 'tall'), { count: 1, width: 30, height: 50, seed: 2 });
    photos = (await loadImagePool(path.join(dir, 'pool'), path.join(dir, 'work'))).photos;
    dataset = await prepareDataset(path.join(dir, 'inputs'), 'sample', IMAGES, photos, COCO_2017_CATEGORIES);
    json = JSON.parse(await readFile(dataset.annotationPath, 'utf8')) as Json;
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes info, licenses, images, annotations and categories in the 2017 key order', () => {
    expect(Object.keys(json)).to.deep.equal(['info', 'licenses', 'images', 'annotations', 'categories']);
    expect(Object.keys(json.images[0])).to.deep.equal(['license', 'file_name', 'coco_url', 'height', 'width', 'date_captured', 'flickr_url', 'id']);
    expect(Object.keys(json.annotations[0])).to.deep.equal(['segmentation', 'area', 'iscrowd', 'image_id', 'bbox', 'category_id', 'id']);
    expect(json.categories).to.deep.equal(COCO_2017_CATEGORIES);
  });

  it('writes the requested number of images with about 7.5 annotations each, varying per image', () => {
    expect(json.images).to.have.length(IMAGES);
    expect(dataset.annotations).to.equal(json.annotations.length);
    expect(json.annotations.length / IMAGES).to.be.within(7, 8);
    const perImage = new Map<number, number>();
    for (const a of json.annotations) perImage.set(a.image_id, (perImage.get(a.image_id) ?? 0) + 1);
    expect(new Set(perImage.values()).size).to.be.greaterThan(5);
    expect(new Set(json.annotations.map((a: Json) => a.id)).size).to.equal(json.annotations.length);
  });

  it('writes polygons of 8 to 40 points with at most two decimals, inside their image', () => {
    const images = new Map<number, Json>(json.images.map((i: Json) => [i.id, i]));
    // Collected, then asserted once: an expect per coordinate would take seconds.
    const problems: string[] = [];
    for (const a of json.annotations.filter((a: Json) => a.iscrowd === 0)) {
      const image = images.get(a.image_id)!;
      for (const ring of a.segmentation as number[][]) {
        if (ring.length < 16 || ring.length > 80 || ring.length % 2 !== 0) problems.push(`${a.id}: ${ring.length} numbers`);
        if (ring.some((v) => Math.round(v * 100) / 100 !== v)) problems.push(`${a.id}: more than two decimals`);
      }
      const [x, y, w, h] = a.bbox as number[];
      if (x! + w! > image.width + 0.01 || y! + h! > image.height + 0.01) problems.push(`${a.id}: bbox outside the image`);
      if (!(a.area >= 0)) problems.push(`${a.id}: area ${a.area}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('writes about 1% of annotations as RLE crowds whose runs cover their image exactly', () => {
    const crowds = json.annotations.filter((a: Json) => a.iscrowd === 1);
    expect(crowds.length).to.equal(dataset.crowdAnnotations);
    expect(crowds.length / json.annotations.length).to.be.within(0.004, 0.02);
    const images = new Map<number, Json>(json.images.map((i: Json) => [i.id, i]));
    for (const a of crowds) {
      const image = images.get(a.image_id)!;
      expect(a.segmentation.size).to.deep.equal([image.height, image.width]);
      const counts = a.segmentation.counts as number[];
      expect(counts.every((c) => Number.isInteger(c) && c >= 0)).to.equal(true);
      expect(counts.reduce((sum, c) => sum + c, 0)).to.equal(image.height * image.width);
      const foreground = counts.filter((_, i) => i % 2 === 1).reduce((sum, c) => sum + c, 0);
      expect(a.area).to.equal(foreground);
    }
  });

  it("makes each image file a hard link to a pool photo and records that photo's dimensions", async () => {
    const byInode = new Map<number, PoolPhoto>();
    for (const photo of photos) byInode.set((await stat(photo.path)).ino, photo);
    expect(new Set(photos.map((p) => `${p.width}x${p.height}`))).to.deep.equal(new Set(['64x48', '30x50']));
    for (const image of json.images.slice(0, 50)) {
      const photo = byInode.get((await stat(path.join(dataset.imageDir, image.file_name))).ino);
      expect(photo, image.file_name).to.not.equal(undefined);
      expect([image.width, image.height]).to.deep.equal([photo!.width, photo!.height]);
    }
    expect(json.images[0].file_name).to.equal('000000000001.jpg');
  });

  it('writes the same bytes for the same seed', async () => {
    const again = path.join(dir, 'again.json');
    const first = await generateCoco(path.join(dir, 'first.json'), { images: 50, pool: photos });
    await generateCoco(again, { images: 50, pool: photos });
    expect((await readFile(again)).equals(await readFile(first.file))).to.equal(true);
    expect(first.bytes).to.equal((await stat(again)).size);
  });
});

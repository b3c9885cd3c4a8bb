import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sameRecords } from '../../bench/sameRecords.js';

const INGESTED = {
  info: { year: 2017 },
  images: [
    { license: 3, file_name: 'a.jpg', height: 480, width: 640, id: 1 },
    { license: 1, file_name: 'b.jpg', height: 20, width: 30, id: 2, coco_url: 'http://x/b.jpg' },
  ],
  annotations: [{ segmentation: [[1, 2, 3, 4, 5, 6]], area: 12.5, iscrowd: 0, image_id: 1, bbox: [1, 2, 4, 4.5], category_id: 3, id: 7 }],
  categories: [{ supercategory: 'animal', id: 3, name: 'dog' }],
};

describe('sameRecords (the export section checks its content)', () => {
  let dir: string;
  let ingested: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'same-records-'));
    ingested = path.join(dir, 'ingested.json');
    await writeFile(ingested, JSON.stringify(INGESTED));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The ingested file as an export might write it: other key order, whole numbers written as 10.0, no info. */
  const exported = (change: (file: any) => void = () => undefined) => {
    const file = structuredClone(INGESTED) as any;
    change(file);
    const reordered = {
      images: file.images.map((i: Record<string, unknown>) => Object.fromEntries(Object.entries(i).reverse())),
      annotations: file.annotations.map((a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).reverse())),
      categories: file.categories,
    };
    return Buffer.from(JSON.stringify(reordered).replace('"area":12.5', '"area":12.50').replace('"height":480', '"height":480.0'));
  };

  it('accepts the same records in the same order, whatever the order of their keys and however their numbers are written', () => {
    expect(() => sameRecords(exported(), ingested)).to.not.throw();
  });

  it('names the section, the position and both records of the first field that differs', () => {
    expect(() =>
      sameRecords(
        exported((f) => (f.annotations[0].bbox[3] = 4.25)),
        ingested,
      ),
    ).to.throw(/annotations\[0\] differs.*4\.25.*4\.5/);
    expect(() =>
      sameRecords(
        exported((f) => delete f.images[1].coco_url),
        ingested,
      ),
    ).to.throw(/images\[1\] differs/);
  });

  it('refuses records in another order, and a record missing', () => {
    expect(() =>
      sameRecords(
        exported((f) => f.images.reverse()),
        ingested,
      ),
    ).to.throw(/images\[0\] differs/);
    expect(() =>
      sameRecords(
        exported((f) => f.categories.pop()),
        ingested,
      ),
    ).to.throw(/the export has 0 categories, the ingested file 1/);
  });
});

import { expect } from 'chai';
import { findUploadLayout } from '../../src/uploads/findUploadLayout.js';

const DIR = '/data/uploads/7/files';

describe('findUploadLayout', () => {
  it('reads the COCO layout: annotations/<kind>_<split>.json with a <split>/ image folder per split', () => {
    const layout = findUploadLayout(['annotations/instances_train2017.json', 'annotations/instances_val2017.json', 'train2017/a.jpg', 'val2017/b.jpg'], DIR);
    expect(layout.name).to.equal('coco');
    expect(layout.splits).to.deep.equal([
      { split: 'train2017', annotationPath: `${DIR}/annotations/instances_train2017.json`, imageDir: `${DIR}/train2017`, maskDir: null },
      { split: 'val2017', annotationPath: `${DIR}/annotations/instances_val2017.json`, imageDir: `${DIR}/val2017`, maskDir: null },
    ]);
  });

  it('takes one file per split, instances before keypoints and captions, and lists the others as ignored', () => {
    const layout = findUploadLayout(
      ['annotations/captions_val2017.json', 'annotations/person_keypoints_val2017.json', 'annotations/instances_val2017.json', 'val2017/b.jpg'],
      DIR,
    );
    expect(layout.splits.map((s) => s.annotationPath)).to.deep.equal([`${DIR}/annotations/instances_val2017.json`]);
    expect(layout.ignored).to.deep.equal(['annotations/captions_val2017.json', 'annotations/person_keypoints_val2017.json']);
  });

  it('gives a panoptic file its PNG folder beside it, named after it', () => {
    const layout = findUploadLayout(['annotations/panoptic_val2017.json', 'annotations/panoptic_val2017/1.png', 'val2017/1.jpg'], DIR);
    expect(layout.splits[0]).to.include({ split: 'val2017', maskDir: `${DIR}/annotations/panoptic_val2017` });
  });

  it('reads the Roboflow layout, with the images beside each _annotations.coco.json', () => {
    const layout = findUploadLayout(
      [
        'README.roboflow.txt',
        'train/_annotations.coco.json',
        'train/a_jpg.rf.1.jpg',
        'valid/_annotations.coco.json',
        'valid/b.jpg',
        'test/_annotations.coco.json',
      ],
      DIR,
    );
    expect(layout.name).to.equal('roboflow');
    expect(layout.splits.map((s) => [s.split, s.imageDir])).to.deep.equal([
      ['test', `${DIR}/test`],
      ['train', `${DIR}/train`],
      ['valid', `${DIR}/valid`],
    ]);
  });

  it('finds the images of the COCO layout in images/<split>/ too', () => {
    const layout = findUploadLayout(['annotations/instances_val.json', 'images/val/a.jpg'], DIR);
    expect(layout.name).to.equal('coco');
    expect(layout.splits[0]).to.include({ split: 'val', imageDir: `${DIR}/images/val` });
  });

  it('reads the CVAT layouts: images/<subset>/ (CVAT 2) or one images/ folder (CVAT 1)', () => {
    const cvat2 = findUploadLayout(['annotations/instances_default.json', 'images/default/frame_000000.png'], DIR);
    expect(cvat2.name).to.equal('cvat');
    expect(cvat2.splits[0]).to.include({ split: 'default', imageDir: `${DIR}/images/default` });
    const cvat1 = findUploadLayout(['annotations/instances_train.json', 'images/frame_000000.png'], DIR);
    expect(cvat1.name).to.equal('cvat');
    expect(cvat1.splits[0]).to.include({ split: 'train', imageDir: `${DIR}/images` });
  });

  it('steps into the one folder a zipped folder holds, past the files macOS adds', () => {
    const layout = findUploadLayout(
      ['my-set/annotations/instances_val.json', 'my-set/val/a.jpg', '__MACOSX/my-set/._a.jpg', 'my-set/.DS_Store', 'my-set/val/._a.jpg'],
      DIR,
    );
    expect(layout.splits[0]).to.include({ annotationPath: `${DIR}/my-set/annotations/instances_val.json`, imageDir: `${DIR}/my-set/val` });
  });

  it('fails an archive of no known layout, naming what it holds', () => {
    expect(() => findUploadLayout(['photos/a.jpg', 'labels.json'], DIR))
      .to.throw(/not a layout this service knows .*it holds 2 files: at the top labels\.json, photos\/; JSON files: labels\.json/)
      .with.property('code', 'UPLOAD_REJECTED');
  });

  it('fails annotation files whose split has no image folder, naming them', () => {
    expect(() => findUploadLayout(['annotations/instances_val2017.json', 'pictures/a.jpg'], DIR))
      .to.throw(/annotations\/instances_val2017\.json name splits with no image folder/)
      .with.property('code', 'UPLOAD_REJECTED');
  });
});

import { expect } from 'chai';
import { AppError } from '../../../src/errors.js';
import { normalizeLvisImage } from '../../../src/formats/lvis/normalizeLvisImage.js';

/** The message `normalizeLvisImage` fails with, checking it fails as an invalid file. */
function failure(raw: unknown): string {
  try {
    normalizeLvisImage(raw, 3, 'lvis.json');
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('INVALID_ANNOTATION_FILE');
    return (err as AppError).message;
  }
  throw new Error('expected a failure');
}

describe('normalizeLvisImage', () => {
  it('reads the image from the last two segments of coco_url, decoded', () => {
    expect(normalizeLvisImage({ id: 1, coco_url: 'http://images.cocodataset.org/val2017/000000000139.jpg' }, 0, 'lvis.json')).to.include({
      file_name: null,
      image_ref: 'val2017/000000000139.jpg',
    });
    expect(normalizeLvisImage({ id: 1, coco_url: 'http://h/my%20set/a%C3%BC.jpg' }, 0, 'lvis.json').image_ref).to.equal('my set/aü.jpg');
  });

  it('refuses a coco_url with a broken %-escape naming the record and field, not with an internal URIError', () => {
    expect(failure({ id: 1, coco_url: 'http://h/val/%E0%A4%A.jpg' })).to.equal(
      'lvis.json: images[3].coco_url: expected an image URL such as http://host/val2017/000000000139.jpg, got "http://h/val/%E0%A4%A.jpg"',
    );
    expect(failure({ id: 1, coco_url: 'http://h/%ZZ/a.jpg' })).to.match(/^lvis\.json: images\[3\]\.coco_url: /);
  });

  it('refuses a coco_url whose name decodes to a separator or a dot segment', () => {
    expect(failure({ id: 1, coco_url: 'http://h/val/..%2F..%2Fsecret.jpg' })).to.match(/^lvis\.json: images\[3\]\.coco_url: /);
    expect(failure({ id: 1, coco_url: 'http://h/val/a%5Cb.jpg' })).to.match(/^lvis\.json: images\[3\]\.coco_url: /);
    expect(failure({ id: 1, coco_url: 'http://h/val/a%00.jpg' })).to.match(/^lvis\.json: images\[3\]\.coco_url: /);
  });
});

import { expect } from 'chai';
import { AppError } from '../../../src/errors.js';
import { normalizeAnnotation, normalizeCategory, normalizeImage } from '../../../src/formats/coco/normalizeRecords.js';

const FILE = 'instances_val2017.json';

/** Runs `fn`, expects an INVALID_ANNOTATION_FILE error, and returns its message. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('INVALID_ANNOTATION_FILE');
    expect((err as AppError).status).to.equal(422);
    return (err as AppError).message;
  }
  throw new Error('expected a validation error');
}

describe('normalizeImage', () => {
  it('keeps the known fields and puts the others in extra', () => {
    const raw = JSON.parse(
      '{"license":3,"file_name":"000000397133.jpg","coco_url":"http://images.cocodataset.org/val2017/000000397133.jpg","height":427,"width":640,"date_captured":"2013-11-14 17:02:52","id":397133}',
    );
    expect(normalizeImage(raw, 0, FILE)).to.deep.equal({
      id: 397133,
      file_name: '000000397133.jpg',
      image_ref: null,
      width: 640,
      height: 427,
      license: 3,
      extra: { coco_url: 'http://images.cocodataset.org/val2017/000000397133.jpg', date_captured: '2013-11-14 17:02:52' },
    });
  });

  it('gives extra null and nulls for absent optional fields', () => {
    expect(normalizeImage({ id: 1, file_name: 'a.jpg', width: null }, 0, FILE)).to.deep.equal({
      id: 1,
      file_name: 'a.jpg',
      image_ref: null,
      width: null,
      height: null,
      license: null,
      extra: null,
    });
  });

  it('names the file, record and field of a bad value', () => {
    expect(failure(() => normalizeImage({ id: '12', file_name: 'a.jpg' }, 3, FILE))).to.equal(
      'instances_val2017.json: images[3].id: expected an integer, got "12"',
    );
    expect(failure(() => normalizeImage({ id: 1.5, file_name: 'a.jpg' }, 0, FILE))).to.equal(
      'instances_val2017.json: images[0].id: expected an integer, got 1.5',
    );
    expect(failure(() => normalizeImage({ id: 1 }, 7, FILE))).to.equal('instances_val2017.json: images[7]: missing required field file_name');
    expect(failure(() => normalizeImage({ id: 1, file_name: '' }, 0, FILE))).to.match(/images\[0\]\.file_name: expected a non-empty string/);
    expect(failure(() => normalizeImage({ id: 1, file_name: 'a', width: 0 }, 0, FILE))).to.match(
      /images\[0\]\.width: expected a positive integer up to 2147483647, got 0/,
    );
    expect(failure(() => normalizeImage({ id: 1, file_name: 'a', height: -3 }, 0, FILE))).to.match(/images\[0\]\.height:/);
    expect(failure(() => normalizeImage({ id: 1, file_name: 'a', license: 'cc' }, 0, FILE))).to.match(/images\[0\]\.license: expected an integer/);
    expect(failure(() => normalizeImage([1, 2], 4, FILE))).to.equal('instances_val2017.json: images[4]: expected an object, got [1,2]');
    expect(failure(() => normalizeImage(null, 4, FILE))).to.equal('instances_val2017.json: images[4]: expected an object, got null');
  });

  it("refuses a width, height or num_keypoints past 2^31 - 1, which the database's 32-bit columns cannot hold, naming the field", () => {
    expect(normalizeImage({ id: 1, file_name: 'a', width: 2 ** 31 - 1, height: 2 ** 31 - 1 }, 0, FILE)).to.include({ width: 2147483647, height: 2147483647 });
    expect(failure(() => normalizeImage({ id: 1, file_name: 'a', width: 2 ** 31 }, 2, FILE))).to.equal(
      'instances_val2017.json: images[2].width: expected a positive integer up to 2147483647, got 2147483648',
    );
    expect(failure(() => normalizeImage({ id: 1, file_name: 'a', height: 2 ** 32 }, 0, FILE))).to.match(
      /images\[0\]\.height: expected a positive integer up to 2147483647/,
    );
    const annotation = { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], keypoints: [1, 1, 2] };
    expect(normalizeAnnotation({ ...annotation, num_keypoints: 2 ** 31 - 1 }, 0, FILE).num_keypoints).to.equal(2147483647);
    expect(failure(() => normalizeAnnotation({ ...annotation, num_keypoints: 2 ** 31 }, 5, FILE))).to.equal(
      'instances_val2017.json: annotations[5].num_keypoints: expected an integer from 0 to 2147483647, got 2147483648',
    );
  });

  it('rejects integers too large to be exact', () => {
    expect(failure(() => normalizeImage({ id: 2 ** 60, file_name: 'a' }, 0, FILE))).to.match(/images\[0\]\.id: expected an integer between/);
  });

  it('keeps a __proto__ key as an own extra field without touching prototypes', () => {
    const raw = JSON.parse('{"id":1,"file_name":"a.jpg","__proto__":{"polluted":true}}');
    const image = normalizeImage(raw, 0, FILE);
    expect(Object.getPrototypeOf(image.extra)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(image.extra, '__proto__')?.value).to.deep.equal({ polluted: true });
    expect((image.extra as { polluted?: unknown }).polluted).to.equal(undefined);
    expect(({} as { polluted?: unknown }).polluted).to.equal(undefined);
  });
});

describe('normalizeAnnotation', () => {
  it('normalises an instance with a bbox and polygons, reusing the parsed arrays', () => {
    const raw = {
      segmentation: [[10, 10, 20, 10, 20, 20, 10, 20]],
      area: 100,
      iscrowd: 0,
      image_id: 7,
      bbox: [10, 10, 10, 10],
      category_id: 18,
      id: 42,
    };
    const ann = normalizeAnnotation(raw, 0, FILE);
    expect(ann).to.deep.equal({
      id: 42,
      image_id: 7,
      category_id: 18,
      bbox: [10, 10, 10, 10],
      area: 100,
      iscrowd: false,
      segmentation: [[10, 10, 20, 10, 20, 20, 10, 20]],
      keypoints: null,
      num_keypoints: null,
      caption: null,
      extra: null,
      mask_area: null,
    });
    expect(ann.bbox).to.equal(raw.bbox);
    expect(ann.segmentation).to.equal(raw.segmentation);
  });

  it('accepts RLE with a counts list or a compressed string, and iscrowd as 1 or a boolean', () => {
    const list = normalizeAnnotation({ id: 1, image_id: 1, category_id: 1, iscrowd: 1, segmentation: { size: [4, 5], counts: [3, 2, 15] } }, 0, FILE);
    expect(list.iscrowd).to.equal(true);
    expect(list.segmentation).to.deep.equal({ size: [4, 5], counts: [3, 2, 15] });
    expect(list.mask_area, 'the odd runs of [3, 2, 15]').to.equal(2);
    const compressed = normalizeAnnotation(
      { id: 2, image_id: 1, category_id: 1, iscrowd: true, segmentation: { size: [427, 640], counts: 'e`S35Q<3M2N2' } },
      1,
      FILE,
    );
    expect(compressed.iscrowd).to.equal(true);
    expect(compressed.segmentation).to.deep.equal({ size: [427, 640], counts: 'e`S35Q<3M2N2' });
    expect(normalizeAnnotation({ id: 3, image_id: 1, category_id: 1, iscrowd: false }, 2, FILE).iscrowd).to.equal(false);
  });

  it('normalises person keypoints', () => {
    const ann = normalizeAnnotation({ id: 1, image_id: 1, category_id: 1, keypoints: [1, 2, 2, 0, 0, 0], num_keypoints: 1, bbox: [0, 0, 5, 5] }, 0, FILE);
    expect(ann.keypoints).to.deep.equal([1, 2, 2, 0, 0, 0]);
    expect(ann.num_keypoints).to.equal(1);
  });

  it('lets a caption stand in for the category', () => {
    const ann = normalizeAnnotation({ image_id: 179765, id: 38, caption: 'A black Honda motorcycle parked.' }, 0, 'captions_val2017.json');
    expect(ann.category_id).to.equal(null);
    expect(ann.caption).to.equal('A black Honda motorcycle parked.');
    expect(failure(() => normalizeAnnotation({ image_id: 1, id: 38 }, 5, FILE))).to.equal(
      'instances_val2017.json: annotations[5]: missing required field category_id',
    );
  });

  it('keeps unknown fields in extra', () => {
    const ann = normalizeAnnotation({ id: 1, image_id: 1, category_id: 1, attributes: { occluded: true }, score: 0.9 }, 0, FILE);
    expect(ann.extra).to.deep.equal({ attributes: { occluded: true }, score: 0.9 });
  });

  it('names the file, record and field of each bad value', () => {
    const base = { id: 1, image_id: 1, category_id: 1 };
    const cases: [Record<string, unknown>, string | RegExp][] = [
      [{ id: 1, category_id: 1 }, 'instances_val2017.json: annotations[17]: missing required field image_id'],
      [{ ...base, image_id: '1' }, 'instances_val2017.json: annotations[17].image_id: expected an integer, got "1"'],
      [{ ...base, category_id: null }, 'instances_val2017.json: annotations[17].category_id: expected an integer, got null'],
      [{ ...base, bbox: [1, 2, 3] }, /^instances_val2017\.json: annotations\[17\]\.bbox: expected 4 numbers/],
      [{ ...base, bbox: [1, 2, 3, '4'] }, /annotations\[17\]\.bbox: expected 4 numbers/],
      [{ ...base, bbox: [1, 2, -3, 4] }, /annotations\[17\]\.bbox: width and height must be >= 0/],
      [{ ...base, area: -1 }, /annotations\[17\]\.area: expected a finite number >= 0, got -1/],
      [{ ...base, area: Infinity }, /annotations\[17\]\.area:/],
      [{ ...base, iscrowd: 2 }, /annotations\[17\]\.iscrowd: expected 0, 1 or a boolean, got 2/],
      [{ ...base, segmentation: [[1, 2, 3]] }, /annotations\[17\]\.segmentation\[0\]: expected a polygon \(an even count of numbers\)/],
      [{ ...base, segmentation: [[1, 2], 'x'] }, /annotations\[17\]\.segmentation\[1\]: expected a polygon/],
      [{ ...base, segmentation: 'rle' }, /annotations\[17\]\.segmentation: expected polygons .* or an RLE object/],
      [{ ...base, segmentation: { counts: 'abc' } }, /annotations\[17\]\.segmentation\.size: expected \[height, width\]/],
      [{ ...base, segmentation: { size: [2, 2], counts: [1, -1] } }, /annotations\[17\]\.segmentation\.counts\[1\]: expected a run length/],
      [{ ...base, segmentation: { size: [2, 2] } }, /annotations\[17\]\.segmentation\.counts: expected a list of run lengths or a compressed RLE string/],
      [{ ...base, keypoints: [1, 2] }, /annotations\[17\]\.keypoints: expected a list of numbers .* multiple of 3/],
      [{ ...base, keypoints: [1, 2, 'v'] }, /annotations\[17\]\.keypoints:/],
      [{ ...base, num_keypoints: -1 }, /annotations\[17\]\.num_keypoints: expected an integer from 0 to 2147483647, got -1/],
      [{ ...base, caption: 5 }, /annotations\[17\]\.caption: expected a string, got 5/],
    ];
    for (const [raw, expected] of cases) {
      const message = failure(() => normalizeAnnotation(raw, 17, FILE));
      if (typeof expected === 'string') expect(message).to.equal(expected);
      else expect(message).to.match(expected);
    }
  });
});

describe('normalizeCategory', () => {
  it('normalises a person_keypoints category with keypoint names and skeleton', () => {
    const cat = normalizeCategory(
      {
        supercategory: 'person',
        id: 1,
        name: 'person',
        keypoints: ['nose', 'left_eye', 'right_eye'],
        skeleton: [
          [1, 2],
          [1, 3],
        ],
      },
      0,
      FILE,
    );
    expect(cat).to.deep.equal({
      id: 1,
      name: 'person',
      supercategory: 'person',
      keypoints: ['nose', 'left_eye', 'right_eye'],
      skeleton: [
        [1, 2],
        [1, 3],
      ],
      extra: null,
    });
  });

  it('keeps unknown fields in extra and allows a missing supercategory', () => {
    const cat = normalizeCategory({ id: 3, name: 'car', color: [255, 0, 0] }, 0, FILE);
    expect(cat.supercategory).to.equal(null);
    expect(cat.extra).to.deep.equal({ color: [255, 0, 0] });
  });

  it('names the file, record and field of each bad value', () => {
    expect(failure(() => normalizeCategory({ name: 'x' }, 2, FILE))).to.equal('instances_val2017.json: categories[2]: missing required field id');
    expect(failure(() => normalizeCategory({ id: 1 }, 2, FILE))).to.equal('instances_val2017.json: categories[2]: missing required field name');
    expect(failure(() => normalizeCategory({ id: 1, name: '' }, 2, FILE))).to.match(/categories\[2\]\.name: expected a non-empty string/);
    expect(failure(() => normalizeCategory({ id: 1, name: 'a', supercategory: 1 }, 2, FILE))).to.match(/categories\[2\]\.supercategory: expected a string/);
    expect(failure(() => normalizeCategory({ id: 1, name: 'a', keypoints: ['nose', 3] }, 2, FILE))).to.match(
      /categories\[2\]\.keypoints\[1\]: expected a string, got 3/,
    );
    expect(failure(() => normalizeCategory({ id: 1, name: 'a', skeleton: [[1, 2], [1]] }, 2, FILE))).to.match(
      /categories\[2\]\.skeleton\[1\]: expected a pair of integers, got \[1\]/,
    );
    expect(failure(() => normalizeCategory({ id: 1, name: 'a', skeleton: 'none' }, 2, FILE))).to.match(
      /categories\[2\]\.skeleton: expected a list of \[from, to\] pairs/,
    );
  });
});

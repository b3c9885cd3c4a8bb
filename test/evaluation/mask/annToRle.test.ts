import { expect } from 'chai';
import { EvaluationInputError } from '../../../src/evaluation/EvaluationInputError.js';
import { annToRle } from '../../../src/evaluation/mask/annToRle.js';
import { rleArea } from '../../../src/evaluation/mask/rleArea.js';
import { rleToBbox } from '../../../src/evaluation/mask/rleToBbox.js';
import { rleToString } from '../../../src/formats/panoptic/rle.js';
import { readEvaluationJson } from '../../helpers/evaluationFixture.js';

const ops = readEvaluationJson('mask_ops.json');

describe("annToRle (COCO.annToRLE's rules)", () => {
  it('merges the parts of a multi-polygon into one mask, as frPyObjects then merge do', () => {
    const { polygons, h, w, rle, area, bbox } = ops.merge;
    const merged = annToRle(polygons, h, w, 'annotation 1');
    expect(rleToString([...merged.counts])).to.equal(rle.counts);
    expect(rleArea(merged)).to.equal(area);
    expect(rleToBbox(merged)).to.deep.equal(bbox);
  });

  it("reads an uncompressed RLE (a crowd's counts list) with its own size, and keeps toBbox's full-height quirk", () => {
    const { rle, compressed, area, bbox } = ops.uncompressed;
    const mask = annToRle(rle, 999, 999, 'annotation 2');
    expect([mask.h, mask.w]).to.deep.equal(compressed.size);
    expect(rleToString([...mask.counts])).to.equal(compressed.counts);
    expect(rleArea(mask)).to.equal(area);
    expect(rleToBbox(mask)).to.deep.equal(bbox);
  });

  it('reads a compressed RLE as it is', () => {
    const { compressed } = ops.uncompressed;
    expect([...annToRle(compressed, 1, 1, 'annotation 3').counts]).to.deep.equal(ops.uncompressed.rle.counts);
  });

  it('refuses what pycocotools cannot read, naming the record: a first polygon of 4 numbers, a value that is no polygon list nor RLE', () => {
    expect(() =>
      annToRle(
        [
          [1, 2, 3, 4],
          [1, 1, 5, 1, 5, 5],
        ],
        10,
        10,
        'annotation 7',
      ),
    ).to.throw(EvaluationInputError, /annotation 7.*4 numbers/);
    expect(() => annToRle({ counts: 'a' }, 10, 10, 'annotation 8')).to.throw(EvaluationInputError, /annotation 8/);
    expect(() => annToRle([5, 6], 10, 10, 'annotation 9')).to.throw(EvaluationInputError, /annotation 9/);
  });

  it('refuses an RLE whose runs do not cover its size, which would send the IoU walk into an endless loop, naming the record and the sums', () => {
    expect(() => annToRle({ size: [10, 10], counts: [5, 10] }, 10, 10, 'annotation 10')).to.throw(
      EvaluationInputError,
      /annotation 10: segmentation RLE counts add up to 15 pixels, not the 100 of its size \[10, 10\]/,
    );
    // "42" is the runs 4 and 2: 6 pixels of a 3x3 mask.
    expect(() => annToRle({ size: [3, 3], counts: '42' }, 3, 3, 'prediction 11')).to.throw(EvaluationInputError, /prediction 11: .*6 pixels, not the 9/);
    expect([...annToRle({ size: [3, 3], counts: [4, 2, 3] }, 3, 3, 'annotation 12').counts]).to.deep.equal([4, 2, 3]);
  });

  it('refuses a compressed RLE string with a character pycocotools never writes, or cut in the middle of a count', () => {
    expect(() => annToRle({ size: [3, 3], counts: '4 2' }, 3, 3, 'prediction 13')).to.throw(
      EvaluationInputError,
      /prediction 13: .*not a compressed RLE string/,
    );
    // "P" (80) has the continuation bit (0x20) set: a count that never ends.
    expect(() => annToRle({ size: [3, 3], counts: '42P' }, 3, 3, 'prediction 14')).to.throw(
      EvaluationInputError,
      /prediction 14: .*not a compressed RLE string/,
    );
  });

  it('refuses a mask of 2^32 pixels or more, whose 32-bit run lengths would wrap (two polygons of such an image never finished merging)', () => {
    const square = (x: number) => [x, 10, x + 10, 10, x + 10, 20, x, 20];
    expect(() => annToRle([square(10), square(40)], 65536, 65537, 'annotation 15')).to.throw(
      EvaluationInputError,
      /annotation 15: a 65536 x 65537 mask has 2\^32 pixels or more/,
    );
    expect(() => annToRle({ size: [65536, 65536], counts: [4294967296] }, 1, 1, 'annotation 16')).to.throw(EvaluationInputError, /annotation 16/);
    // A count past 2^32 is refused by its sum, before a typed array could wrap it into one that adds up to the size.
    expect(() => annToRle({ size: [2, 2], counts: [4294967296 + 2, 2] }, 2, 2, 'annotation 17')).to.throw(
      EvaluationInputError,
      /annotation 17: .*4294967300 pixels, not the 4/,
    );
    expect(annToRle([square(10), square(40)], 65535, 65537, 'annotation 18').h).to.equal(65535);
  });
});

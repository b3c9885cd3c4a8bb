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
});

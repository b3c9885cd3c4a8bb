import { expect } from 'chai';
import { rleArea } from '../../../src/evaluation/mask/rleArea.js';
import { rleFrBbox } from '../../../src/evaluation/mask/rleFrBbox.js';
import { rleFrPoly } from '../../../src/evaluation/mask/rleFrPoly.js';
import { rleToBbox } from '../../../src/evaluation/mask/rleToBbox.js';
import { rleToString } from '../../../src/formats/panoptic/rle.js';
import { readEvaluationJson } from '../../helpers/evaluationFixture.js';

const ops = readEvaluationJson('mask_ops.json');

describe("rleFrPoly (maskApi.c's polygon rasterisation)", () => {
  it('gives the RLE strings pycocotools gives, for half pixels, border crossings, sub-pixel and repeated points', () => {
    for (const c of ops.polygons) {
      const rle = rleFrPoly(c.polygon, c.h, c.w);
      expect([rle.h, rle.w]).to.deep.equal(c.rle.size);
      expect(rleToString([...rle.counts]), JSON.stringify(c.polygon)).to.equal(c.rle.counts);
    }
  });

  it("gives the masks' areas and boxes pycocotools gives", () => {
    for (const c of ops.polygons) {
      const rle = rleFrPoly(c.polygon, c.h, c.w);
      expect(rleArea(rle), JSON.stringify(c.polygon)).to.equal(c.area);
      expect(rleToBbox(rle), JSON.stringify(c.polygon)).to.deep.equal(c.bbox);
    }
  });

  it('rasterises boxes as pycocotools frPyObjects does with an array of boxes', () => {
    for (const c of ops.boxes) expect(rleToString([...rleFrBbox(c.box, c.h, c.w).counts]), JSON.stringify(c.box)).to.equal(c.rle.counts);
  });
});

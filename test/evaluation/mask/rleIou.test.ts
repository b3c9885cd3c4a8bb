import { expect } from 'chai';
import { annToRle } from '../../../src/evaluation/mask/annToRle.js';
import { bbIou } from '../../../src/evaluation/mask/bbIou.js';
import { rleIou } from '../../../src/evaluation/mask/rleIou.js';
import { readEvaluationJson } from '../../helpers/evaluationFixture.js';

const ops = readEvaluationJson('mask_ops.json');

function rows(o: number[], G: number): number[][] {
  return Array.from({ length: o.length / G }, (_, d) => o.slice(d * G, (d + 1) * G));
}

describe("rleIou and bbIou (maskApi.c's IoUs)", () => {
  it("gives pycocotools' mask IoU matrix, a crowd's union being the detection alone", () => {
    const { dt, gt, iscrowd, iou } = ops.maskIou;
    const masks = (list: any[]) => list.map((r, k) => annToRle(r, 0, 0, `mask ${k}`));
    expect(rows(rleIou(masks(dt), masks(gt), iscrowd), gt.length)).to.deep.equal(iou);
  });

  it("gives pycocotools' box IoU matrix, with a crowd and boxes that do not touch", () => {
    const { dt, gt, iscrowd, iou } = ops.boxIou;
    expect(rows(bbIou(dt, gt, iscrowd), gt.length)).to.deep.equal(iou);
  });

  it('gives -1 for masks of different sizes whose boxes overlap', () => {
    const a = annToRle({ size: [4, 4], counts: [0, 16] }, 0, 0, 'a');
    const b = annToRle({ size: [5, 4], counts: [0, 20] }, 0, 0, 'b');
    expect([...rleIou([a], [b], [0])]).to.deep.equal([-1]);
  });
});

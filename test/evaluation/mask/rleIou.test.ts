import { expect } from 'chai';
import fc from 'fast-check';
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

  it('gives the IoU counted pixel by pixel for any masks, empty runs and crowds included', () => {
    const size = fc.record({ h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }) });
    // Runs that cover the mask exactly, zero-length ones included (an uncompressed RLE may have them).
    const mask = (h: number, w: number) =>
      fc.array(fc.integer({ min: 0, max: h * w }), { maxLength: 16 }).map((cuts) => {
        const ends = [...cuts, h * w].sort((x, y) => x - y);
        return ends.map((end, k) => end - (k > 0 ? ends[k - 1]! : 0));
      });
    const input = size.chain(({ h, w }) =>
      fc.record({
        h: fc.constant(h),
        w: fc.constant(w),
        dt: fc.array(mask(h, w), { minLength: 1, maxLength: 4 }),
        gt: fc.array(mask(h, w), { minLength: 1, maxLength: 4 }),
        crowd: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ h, w, dt, gt, crowd }) => {
        const rle = (counts: number[]) => ({ h, w, counts: Uint32Array.from(counts) });
        const iscrowd = gt.map((_, g) => (crowd[g] ? 1 : 0));
        const o = rleIou(dt.map(rle), gt.map(rle), iscrowd);
        dt.forEach((a, d) => {
          gt.forEach((b, g) => {
            const pa = pixels(a);
            const pb = pixels(b);
            let i = 0;
            let u = 0;
            let area = 0;
            for (let p = 0; p < h * w; p++) {
              if (pa[p] && pb[p]) i++;
              if (pa[p] || pb[p]) u++;
              if (pa[p]) area++;
            }
            expect(o[d * gt.length + g]).to.equal(i === 0 ? 0 : i / (iscrowd[g] ? area : u));
          });
        });
      }),
    );
  });
});

/** A mask's pixels, column-major, from its runs (zeros first). */
function pixels(counts: number[]): number[] {
  const out: number[] = [];
  counts.forEach((run, k) => {
    for (let r = 0; r < run; r++) out.push(k % 2);
  });
  return out;
}

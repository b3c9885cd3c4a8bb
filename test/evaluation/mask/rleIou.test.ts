import { expect } from 'chai';
import fc from 'fast-check';
import { annToRle } from '../../../src/evaluation/mask/annToRle.js';
import { bbIou } from '../../../src/evaluation/mask/bbIou.js';
import { rleIou } from '../../../src/evaluation/mask/rleIou.js';
import { rleToBbox } from '../../../src/evaluation/mask/rleToBbox.js';
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

  it("stops where maskApi.c's walk stops, when both masks stand on an empty run at once (values from the compiled C)", () => {
    const r = (h: number, w: number, counts: number[]) => ({ h, w, counts: Uint32Array.from(counts) });
    // A's ones are pixels 1 and 3, B's pixel 1: 0.5 counted pixel by pixel, but C stops at pixel 2, where both have an empty run.
    expect(rleIou([r(2, 2, [1, 1, 0, 0, 1, 1])], [r(2, 2, [1, 1, 0, 0, 2])], [0])).to.deep.equal([1]);
    // A crowd's union is the detection's whole area, however far the walk went.
    expect(rleIou([r(2, 2, [1, 1, 0, 0, 1, 1])], [r(2, 2, [1, 1, 0, 0, 2])], [1])).to.deep.equal([0.5]);
    expect(rleIou([r(2, 2, [2, 0, 0, 2])], [r(2, 2, [2, 0, 0, 2])], [0])).to.deep.equal([0]);
    expect(rleIou([r(3, 1, [0, 0, 0, 3])], [r(3, 1, [0, 0, 0, 2, 1])], [0])).to.deep.equal([0]);
  });

  it("keeps C's unsigned box of a mask that starts with an empty run of ones: its width wraps, and the boxes no longer meet (values from the compiled C)", () => {
    const r = (h: number, w: number, counts: number[]) => ({ h, w, counts: Uint32Array.from(counts) });
    expect(rleToBbox(r(2, 2, [0, 0, 2, 2]))).to.deep.equal([0, 0, 2147483648, 2]);
    expect(rleToBbox(r(1, 4, [0, 0, 0, 4]))).to.deep.equal([0, 0, 0, 1]);
    expect(rleIou([r(1, 4, [0, 0, 0, 4])], [r(1, 4, [0, 4])], [0])).to.deep.equal([0]);
  });

  it('gives the IoU counted pixel by pixel for any masks C walks to their end: empty runs in one of them, crowds', () => {
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
        // Not starting with an empty run of ones either: C's box of such a mask wraps (the test above).
        dt: fc.array(
          mask(h, w).map((counts) => withoutEmptyFirstRuns(counts)),
          { minLength: 1, maxLength: 4 },
        ),
        // Without empty runs inside: C's walk stops early only where both masks have one (the test above).
        gt: fc.array(
          mask(h, w).map((counts) => withoutInnerEmptyRuns(counts)),
          { minLength: 1, maxLength: 4 },
        ),
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

/** The same mask without leading empty runs of zeros and ones in pairs (`[0, 0, 3, 1]` is `[3, 1]`). */
function withoutEmptyFirstRuns(counts: number[]): number[] {
  let k = 0;
  while (k + 2 < counts.length && counts[k] === 0 && counts[k + 1] === 0) k += 2;
  return counts.slice(k);
}

/** The same mask with each empty run inside the counts merged away (its neighbours, runs of the same value, joined). */
function withoutInnerEmptyRuns(counts: number[]): number[] {
  const out = [counts[0]!];
  for (let k = 1; k < counts.length; k++) {
    if (counts[k] === 0 && k < counts.length - 1) {
      out[out.length - 1]! += counts[++k]!;
      continue;
    }
    out.push(counts[k]!);
  }
  return out;
}

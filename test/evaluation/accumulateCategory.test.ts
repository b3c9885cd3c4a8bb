import { expect } from 'chai';
import fc from 'fast-check';
import { accumulateCategory } from '../../src/evaluation/accumulateCategory.js';
import { CategoryDetections } from '../../src/evaluation/CategoryDetections.js';
import { evaluationParams } from '../../src/evaluation/evaluationParams.js';

const params = evaluationParams('bbox');
const T = params.iouThrs.length;
const R = params.recThrs.length;
const A = params.areaRanges.length;
const ALL = (1 << T) - 1;

interface Detection {
  score: number;
  matched: number[];
  ignored: number[];
}

/**
 * pycocotools' `accumulate` for one category, statement by statement over its
 * arrays (cocoeval.py: the mergesort, the cumsums, tp / npig, tp / (fp + tp +
 * eps), the envelope from the right, searchsorted on the left), as the oracle.
 */
function pycocotoolsCells(images: Detection[][], npig: number[]): Map<string, { recall: number; q: number[] }> {
  const cells = new Map<string, { recall: number; q: number[] }>();
  params.maxDets.forEach((maxDet, m) => {
    const dets = images.flatMap((image) => image.slice(0, maxDet));
    const inds = dets.map((_, i) => i).sort((a, b) => dets[b]!.score - dets[a]!.score);
    for (let a = 0; a < A; a++) {
      if (npig[a] === 0) continue;
      for (let t = 0; t < T; t++) {
        const tps: number[] = [];
        const fps: number[] = [];
        for (const i of inds) {
          const ignored = (dets[i]!.ignored[a]! >> t) & 1;
          const matched = (dets[i]!.matched[a]! >> t) & 1;
          tps.push(matched && !ignored ? 1 : 0);
          fps.push(!matched && !ignored ? 1 : 0);
        }
        let tp = 0;
        let fp = 0;
        const rc: number[] = [];
        const pr: number[] = [];
        tps.forEach((v, i) => {
          tp += v;
          fp += fps[i]!;
          rc.push(tp / npig[a]!);
          pr.push(tp / (fp + tp + Number.EPSILON));
        });
        const nd = tps.length;
        const recall = nd ? rc[nd - 1]! : 0;
        for (let i = nd - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
        const q = new Array<number>(R).fill(0);
        for (let r = 0; r < R; r++) {
          let pi = 0;
          while (pi < nd && rc[pi]! < params.recThrs[r]!) pi++;
          if (pi >= nd) break;
          q[r] = pr[pi]!;
        }
        cells.set(`${t},${a},${m}`, { recall, q });
      }
    }
  });
  return cells;
}

/** A detection's masks: mostly matched at the lower thresholds, sometimes ignored everywhere or at some. */
const mask = fc.oneof(
  fc.constant(0),
  fc.constant(ALL),
  fc.integer({ min: 0, max: T }).map((k) => (1 << k) - 1),
  fc.integer({ min: 0, max: ALL }),
);
const detection = fc.record({
  // Few distinct scores, so that ties decide the order as often as the scores do.
  score: fc.integer({ min: 0, max: 6 }).map((s) => s / 6),
  matched: fc.array(mask, { minLength: A, maxLength: A }),
  ignored: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(ALL), mask), { minLength: A, maxLength: A }),
});
// Each image's detections in score order, as the workers send them.
const image = fc.array(detection, { maxLength: 14 }).map((dets) => [...dets].sort((a, b) => b.score - a.score));

describe('accumulateCategory', () => {
  it("gives every cell's recall, and at the last maxDets its 101-point precision, exactly as pycocotools' arrays do, ties, ignored detections and maxDets included", () => {
    fc.assert(
      fc.property(fc.array(image, { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 12 }), { minLength: A, maxLength: A }), (images, npig) => {
        const det = new CategoryDetections(A);
        for (const dets of images) {
          const scores = new Float64Array(dets.map((d) => d.score));
          const bits = new Uint16Array(dets.flatMap((d) => [...d.matched, ...d.ignored]));
          det.add(scores, bits, 0, dets.length, new Float64Array(A), 0);
        }
        det.notIgnored.set(npig);
        const expected = pycocotoolsCells(images, npig);
        const seen = new Set<string>();
        accumulateCategory(det, params, (t, a, m, recall, q) => {
          const key = `${t},${a},${m}`;
          seen.add(key);
          expect(recall, `recall ${key}`).to.equal(expected.get(key)!.recall);
          if (m === params.maxDets.length - 1) expect([...q!], `precision ${key}`).to.deep.equal(expected.get(key)!.q);
          else expect(q, `precision ${key}, not the last maxDets`).to.equal(null);
        });
        expect([...seen].sort()).to.deep.equal([...expected.keys()].sort());
      }),
      { numRuns: 400 },
    );
  });
});

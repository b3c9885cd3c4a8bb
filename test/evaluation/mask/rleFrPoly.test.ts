import { expect } from 'chai';
import fc from 'fast-check';
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

  it("rasterises random polygons exactly as maskApi.c's arithmetic does: off the image, half pixels, self-crossing, zig-zags", () => {
    const coordinate = (limit: number) =>
      fc.oneof(
        fc.double({ min: -5, max: limit + 5, noNaN: true }),
        fc.integer({ min: -10, max: 2 * limit + 10 }).map((n) => n / 2),
      );
    const polygon = fc.record({ h: fc.integer({ min: 1, max: 60 }), w: fc.integer({ min: 1, max: 60 }) }).chain(({ h, w }) =>
      fc.record({
        h: fc.constant(h),
        w: fc.constant(w),
        xy: fc.oneof(
          fc.array(fc.tuple(coordinate(w), coordinate(h)), { minLength: 3, maxLength: 30 }).map((points) => points.flat()),
          // A comb: the outline meets the same columns again and again.
          fc.tuple(fc.integer({ min: 2, max: 60 }), fc.boolean()).map(([teeth, up]) => zigzag(teeth, up, h, w)),
        ),
      }),
    );
    fc.assert(
      fc.property(polygon, ({ xy, h, w }) => {
        expect([...rleFrPoly(xy, h, w).counts], JSON.stringify({ xy, h, w })).to.deep.equal(maskApiRleFrPoly(xy, h, w));
      }),
      { numRuns: 2000 },
    );
  });
  it('rasterises polygons with points far off the image exactly as maskApi.c does, in memory bounded by the image (long edges are searched, not walked)', () => {
    const far = fc.oneof(
      fc.double({ min: -4000, max: 4000, noNaN: true }),
      fc.integer({ min: -8000, max: 8000 }).map((n) => n / 2),
    );
    const polygon = fc.record({
      h: fc.integer({ min: 1, max: 40 }),
      w: fc.integer({ min: 1, max: 40 }),
      xy: fc.array(fc.tuple(far, far), { minLength: 3, maxLength: 8 }).map((points) => points.flat()),
    });
    fc.assert(
      fc.property(polygon, ({ xy, h, w }) => {
        expect([...rleFrPoly(xy, h, w).counts], JSON.stringify({ xy, h, w })).to.deep.equal(maskApiRleFrPoly(xy, h, w));
      }),
      { numRuns: 150 },
    );
    // C would store 10^8 upsampled points for this triangle's long edges. In the image its left edge is within
    // 0.0003 px of x = 0, so its mask is the box [0, 0, 10, 480]'s: ten whole columns.
    const arrays = process.memoryUsage().arrayBuffers;
    const mask = rleFrPoly([0, 0, 10, 2e7, 10, 0], 480, 640);
    expect(process.memoryUsage().arrayBuffers - arrays).to.be.below(10e6);
    expect([...mask.counts]).to.deep.equal([...rleFrBbox([0, 0, 10, 480], 480, 640).counts]);
    expect(rleArea(mask)).to.equal(4800);
  });
});

/** A comb whose teeth cross the same columns again and again, top to bottom or (each column's crossings in falling order) bottom to top. */
function zigzag(teeth: number, up: boolean, h: number, w: number): number[] {
  const xy: number[] = [];
  for (let i = 0; i <= teeth; i++) xy.push(i % 2 === 0 ? 0.5 : w - 0.5, up ? h - (i * h) / teeth : (i * h) / teeth);
  xy.push(0, up ? 0 : h);
  return xy;
}

/**
 * maskApi.c's `rleFrPoly` as C computes it, line by line: the outline
 * upsampled 5x, the crossings' `(xd + .5) / 5 - .5` kept when whole, and
 * one sort of them all. The oracle for the service's faster arithmetic.
 */
function maskApiRleFrPoly(xy: number[], h: number, w: number): number[] {
  const S = 5;
  const k = Math.floor(xy.length / 2);
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < k; j++) x.push(Math.trunc(S * xy[j * 2]! + 0.5));
  x.push(x[0]!);
  for (let j = 0; j < k; j++) y.push(Math.trunc(S * xy[j * 2 + 1]! + 0.5));
  y.push(y[0]!);
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let [xs, xe, ys, ye] = [x[j]!, x[j + 1]!, y[j]!, y[j + 1]!];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) [xs, xe, ys, ye] = [xe, xs, ye, ys];
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  const a: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1;
    xd = (xd + 0.5) / S - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = Math.min(v[j]!, v[j - 1]!);
    yd = (yd + 0.5) / S - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    a.push(xd * h + Math.ceil(yd));
  }
  a.push(h * w);
  a.sort((p, q) => p - q);
  let previous = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j]!;
    a[j] = t - previous;
    previous = t;
  }
  const b = [a[0]!];
  for (let j = 1; j < a.length; ) {
    if (a[j]! > 0) b.push(a[j++]!);
    else {
      j++;
      if (j < a.length) b[b.length - 1]! += a[j++]!;
    }
  }
  return b;
}

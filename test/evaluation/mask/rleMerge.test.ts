import { expect } from 'chai';
import { rleMerge } from '../../../src/evaluation/mask/rleMerge.js';

const rle = (h: number, w: number, counts: number[]) => ({ h, w, counts: Uint32Array.from(counts) });

describe("rleMerge (maskApi.c's union and intersection)", () => {
  it('unites and intersects run lengths (hand-checked 3x2 masks)', () => {
    // column-major 6 pixels: a = 0 1 1 0 0 0, b = 0 0 1 1 1 0
    const a = rle(3, 2, [1, 2, 3]);
    const b = rle(3, 2, [2, 3, 1]);
    expect([...rleMerge([a, b]).counts]).to.deep.equal([1, 4, 1]);
    expect([...rleMerge([a, b], true).counts]).to.deep.equal([2, 1, 3]);
  });

  it('gives an empty 0x0 mask for masks of different sizes, and a copy of a single mask', () => {
    expect(rleMerge([rle(3, 2, [6]), rle(2, 3, [6])])).to.deep.equal(rle(0, 0, []));
    expect(rleMerge([rle(3, 2, [1, 5])])).to.deep.equal(rle(3, 2, [1, 5]));
  });
});

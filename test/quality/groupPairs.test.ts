import { expect } from 'chai';
import { groupPairs } from '../../src/quality/groupPairs.js';
import { hashBands } from '../../src/quality/hashBands.js';

describe('grouping duplicate pairs', () => {
  it('joins chains of pairs into one group, and keeps separate groups apart, in order of their smallest member', () => {
    expect(
      groupPairs([
        [9, 4],
        [1, 2],
        [2, 7],
        [7, 3],
        [5, 6],
      ]),
    ).to.deep.equal([
      [1, 2, 3, 7],
      [4, 9],
      [5, 6],
    ]);
  });

  it('gives no group for no pairs', () => {
    expect(groupPairs([])).to.deep.equal([]);
  });
});

describe('the bands of a 64-bit hash', () => {
  it('splits the 64 bits into max_distance + 1 contiguous bands of nearly equal width', () => {
    expect(hashBands(3)).to.deep.equal([
      { offset: 0, width: 16 },
      { offset: 16, width: 16 },
      { offset: 32, width: 16 },
      { offset: 48, width: 16 },
    ]);
    expect(hashBands(4).map((b) => b.width)).to.deep.equal([13, 13, 13, 13, 12]);
    expect(hashBands(0)).to.deep.equal([{ offset: 0, width: 64 }]);
  });

  it('refuses a distance outside 0-63', () => {
    expect(() => hashBands(64)).to.throw(RangeError);
    expect(() => hashBands(1.5)).to.throw(RangeError);
  });
});

import { expect } from 'chai';
import { percentile, summarize } from '../../bench/stats.js';

describe('bench: stats', () => {
  it('takes the middle value of an odd count as the median, keeping the runs in order', () => {
    expect(summarize([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, values: [3, 1, 2] });
  });

  it('takes the mean of the middle two values as the median of an even count', () => {
    expect(summarize([4, 1, 3, 2]).median).to.equal(2.5);
  });

  it('gives nearest-rank percentiles', () => {
    const values = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(percentile(values, 50)).to.equal(25);
    expect(percentile(values, 99)).to.equal(50);
    expect(percentile([7], 99)).to.equal(7);
  });

  it('refuses an empty list', () => {
    expect(() => summarize([])).to.throw(/no values/);
  });
});

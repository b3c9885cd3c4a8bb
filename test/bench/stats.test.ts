import { expect } from 'chai';
import { percentile, roundRatios, summarize } from '../../bench/stats.js';

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

  it('takes the median of the per-round ratios, not the ratio of the medians', () => {
    // Issue 23's target 5: wall times whose per-round slowdowns are +8.8%, -4.2% and +8.1%.
    // Rounds: 10.88/10 = 1.088, 9.58/10 = 0.958, 11.891/11 = 1.081; median 1.081 (fails <= 5%).
    // The medians' ratio, 10.88/10 = 1.088 here, is a comparison no single round needs to have made.
    const many = [10.88, 9.58, 11.891];
    const one = [10, 10, 11];
    const ratios = roundRatios(many, one);
    expect(ratios.values.map((v) => Number(v.toFixed(3)))).to.deep.equal([1.088, 0.958, 1.081]);
    expect(ratios.median).to.be.closeTo(1.081, 1e-9);
  });

  it('pairs the rounds in order, so a ratio of medians that would pass can fail by rounds', () => {
    // Medians 100 and 100 (ratio 1.0), but round by round 90/100, 100/90 and 110/110: median 1.0; and
    // with 80/100, 100/120, 120/90 the medians still give 1.0 while the rounds give 0.8, 0.833..., 1.333...
    const ratios = roundRatios([80, 100, 120], [100, 120, 90]);
    expect(ratios.values).to.deep.equal([0.8, 100 / 120, 120 / 90]);
    expect(ratios.median).to.equal(100 / 120);
  });

  it('refuses sides of different lengths', () => {
    expect(() => roundRatios([1, 2], [1])).to.throw(/2 rounds against 1/);
  });
});

import { expect } from 'chai';
import { WindowRate } from '../../src/jobs/WindowRate.js';

describe('WindowRate', () => {
  it('gives the mean rate per second between the first and last samples of its window', () => {
    const rate = new WindowRate({ windowMs: 1000, minIntervalMs: 0, minSpanMs: 0 });
    rate.sample(0, 0);
    rate.sample(5, 500);
    rate.sample(10, 1000);
    // (10 - 0) over 1 s.
    expect(rate.perSecond).to.equal(10);
    rate.sample(30, 1500);
    // The sample at 0 ms has left the window; the one at 500 ms starts it: (30 - 5) over 1 s.
    expect(rate.perSecond).to.equal(25);
  });

  it('gives no rate until its samples span the least span', () => {
    const rate = new WindowRate({ windowMs: 10_000, minIntervalMs: 0, minSpanMs: 500 });
    expect(rate.perSecond).to.equal(null);
    rate.sample(0, 0);
    rate.sample(4, 400);
    expect(rate.perSecond).to.equal(null);
    rate.sample(6, 600);
    // 6 over 0.6 s.
    expect(rate.perSecond).to.be.closeTo(10, 1e-9);
  });

  it('merges samples closer than the least interval into the newest, so bursts are not taken for speed', () => {
    const rate = new WindowRate({ windowMs: 10_000, minIntervalMs: 200, minSpanMs: 0 });
    rate.sample(0, 0);
    rate.sample(1, 1000);
    rate.sample(2, 1050);
    rate.sample(3, 1100);
    // The samples at 1000 and 1050 ms were replaced by the one at 1100 ms: 3 over 1.1 s.
    expect(rate.perSecond).to.be.closeTo(3 / 1.1, 1e-9);
  });

  it('forgets its samples on reset', () => {
    const rate = new WindowRate({ minSpanMs: 0, minIntervalMs: 0 });
    rate.sample(0, 0);
    rate.sample(100, 1000);
    rate.reset();
    rate.sample(100, 2000);
    expect(rate.perSecond).to.equal(null);
    rate.sample(101, 3000);
    expect(rate.perSecond).to.equal(1);
  });
});

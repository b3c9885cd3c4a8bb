import { expect } from 'chai';
import { firstTouchCost, formatFirstTouch } from '../../bench/firstTouchCost.js';

describe('firstTouchCost', () => {
  it('times the first write into fresh memory in a child process and gives the cost per 4 KiB page', async () => {
    // 16 MiB: 4,096 pages.
    const cost = await firstTouchCost(16 * 1024 * 1024);
    expect(cost.ms).to.be.a('number').and.greaterThan(0);
    expect(cost.microsecondsPerPage * 4096).to.be.closeTo(cost.ms * 1000, 1e-6);
  });

  it('shows the milliseconds whole and the per-page cost to two decimals', () => {
    expect(formatFirstTouch({ ms: 2046.6, microsecondsPerPage: 15.614 })).to.equal('2047 ms (15.61 µs per 4 KiB page)');
  });
});

import { expect } from 'chai';
import { progressIntervalFor } from '../../src/jobs/progressIntervalFor.js';

describe('progressIntervalFor', () => {
  const options = { intervalMs: 200, writesPerSecond: 250 };

  it('keeps the least interval while the writes it costs stay within the budget', () => {
    expect(progressIntervalFor(0, options)).to.equal(200);
    expect(progressIntervalFor(1, options)).to.equal(200);
    // 50 watchers × 5 events a second = 250 writes a second, the budget exactly.
    expect(progressIntervalFor(50, options)).to.equal(200);
  });

  it('stretches the interval with the audience past the budget, so a stage costs at most that many writes a second', () => {
    // 200 watchers at 250 writes a second: 1.25 events a second, one every 800 ms.
    expect(progressIntervalFor(200, options)).to.equal(800);
    expect(progressIntervalFor(1000, options)).to.equal(4000);
  });
});

import { expect } from 'chai';
import { checkTarget, type TargetSpec } from '../../bench/targets.js';

const AT_LEAST_ONE: TargetSpec = { id: 't', description: 'a ratio', op: '>=', threshold: 1, unit: 'x' };
const AT_MOST_100: TargetSpec = { id: 'u', description: 'a latency', op: '<=', threshold: 100, unit: 'ms' };

describe('bench: targets', () => {
  it('passes a target only when every run meets it, however good the median', () => {
    // Runs 1.10, 0.98, 1.05: median 1.05 meets >= 1.0, run 2 does not.
    const result = checkTarget(AT_LEAST_ONE, [1.1, 0.98, 1.05], 'per round');
    expect(result.measured).to.equal(1.05);
    expect(result.runs).to.deep.equal([1.1, 0.98, 1.05]);
    expect(result.pass).to.equal(false);
    expect(result.failedRuns).to.deep.equal([2]);
  });

  it('passes when each run meets the goal, the threshold included', () => {
    const result = checkTarget(AT_MOST_100, [100, 82, 95], 'p99 per run');
    expect(result.pass).to.equal(true);
    expect(result.measured).to.equal(95);
    expect(result.goal).to.equal('<= 100.0 ms');
  });

  it('fails a run that measured nothing (NaN)', () => {
    expect(checkTarget(AT_MOST_100, [Number.NaN, 50, 60], 'p99 per run').failedRuns).to.deep.equal([1]);
  });
});

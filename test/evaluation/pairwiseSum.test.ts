import { expect } from 'chai';
import { meanOfDefined } from '../../src/evaluation/meanOfDefined.js';
import { pairwiseSum } from '../../src/evaluation/pairwiseSum.js';
import { readEvaluationJson } from '../helpers/evaluationFixture.js';

describe("pairwiseSum (numpy's float64 summation)", () => {
  it('equals np.sum and np.mean to the bit, below 8, up to 128, past 128 and past the 8192 buffer', () => {
    for (const { n, sum, mean } of readEvaluationJson('numpy_sums.json')) {
      const values = Float64Array.from({ length: n }, (_, i) => (((i * 7919) % 1000) / 997) * (i % 3 === 0 ? 1e8 : 1));
      expect(pairwiseSum(values), `sum of ${n}`).to.equal(sum);
      expect(meanOfDefined(values), `mean of ${n}`).to.equal(mean);
    }
  });

  it('averages only entries above -1, and gives -1 when there are none (COCOeval summary)', () => {
    expect(meanOfDefined([-1, 0.5, -1, 0.25])).to.equal(0.375);
    expect(meanOfDefined([-1, -1])).to.equal(-1);
  });
});

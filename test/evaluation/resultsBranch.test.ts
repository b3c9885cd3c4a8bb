import { expect } from 'chai';
import { EvaluationInputError } from '../../src/evaluation/EvaluationInputError.js';
import { resultsBranch } from '../../src/evaluation/resultsBranch.js';

describe('resultsBranch (how loadRes reads a results file, from its first result)', () => {
  it('takes a non-empty bbox first, then a segmentation, then keypoints', () => {
    expect(resultsBranch({ bbox: [1, 2, 3, 4], segmentation: { size: [1, 1], counts: '1' }, keypoints: [1, 1, 1] })).to.equal('bbox');
    expect(resultsBranch({ bbox: [], segmentation: { size: [1, 1], counts: '1' } })).to.equal('segm');
    expect(resultsBranch({ keypoints: [1, 1, 1] })).to.equal('keypoints');
  });

  it('refuses captions and results with nothing to score', () => {
    expect(() => resultsBranch({ caption: 'a dog' })).to.throw(EvaluationInputError, /captions/);
    expect(() => resultsBranch({})).to.throw(EvaluationInputError, /no bbox/);
  });
});

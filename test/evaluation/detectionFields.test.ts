import { expect } from 'chai';
import { detectionFields } from '../../src/evaluation/detectionFields.js';
import { EvaluationInputError } from '../../src/evaluation/EvaluationInputError.js';
import type { EvalDetection } from '../../src/evaluation/evaluationTypes.js';

const base: EvalDetection = { rowId: 1, resultId: 4, categoryId: 1, score: 0.5, bbox: null, area: 999, segmentation: null, keypoints: null };

describe("detectionFields (COCO.loadRes' derivations)", () => {
  it('bbox branch: area = w*h (the stored area is overwritten) and, without a segmentation, the box as a polygon', () => {
    const fields = detectionFields({ ...base, bbox: [2, 3, 4, 5] }, 'bbox', 10, 10);
    expect(fields.area).to.equal(20);
    expect(fields.segmentation).to.deep.equal([[2, 3, 2, 8, 6, 8, 6, 3]]);
  });

  it("segm branch: area = the mask's pixels, bbox = the mask's box unless the result has one", () => {
    // 3x2 mask, column-major runs: 1 zero, 4 ones, 1 zero -> pixels (1,0) (2,0) (0,1) (1,1): box x 0..1, y 0..2
    const segmentation = { size: [3, 2], counts: [1, 4, 1] };
    expect(detectionFields({ ...base, segmentation }, 'segm', 3, 2)).to.include({ area: 4 });
    expect(detectionFields({ ...base, segmentation }, 'segm', 3, 2).bbox).to.deep.equal([0, 0, 2, 3]);
    expect(detectionFields({ ...base, segmentation, bbox: [9, 9, 1, 1] }, 'segm', 3, 2).bbox).to.deep.equal([9, 9, 1, 1]);
  });

  it("keypoints branch: area and bbox from the keypoints' extent, absent (0, 0) keypoints included", () => {
    const fields = detectionFields({ ...base, keypoints: [10, 20, 2, 0, 0, 0, 30, 25, 1] }, 'keypoints', 100, 100);
    expect(fields.area).to.equal(30 * 25);
    expect(fields.bbox).to.deep.equal([0, 0, 30, 25]);
  });

  it('refuses a result without what its branch reads, naming it', () => {
    expect(() => detectionFields(base, 'bbox', 10, 10)).to.throw(EvaluationInputError, /prediction 4 \(row 1\).*no bbox/);
    expect(() => detectionFields(base, 'segm', 10, 10)).to.throw(EvaluationInputError, /prediction 4/);
    expect(() => detectionFields(base, 'keypoints', 10, 10)).to.throw(EvaluationInputError, /prediction 4/);
  });
});

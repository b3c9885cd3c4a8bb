import { expect } from 'chai';
import { batchImages, type EvaluationBatch, sliceBatch } from '../../src/evaluation/EvaluationBatch.js';

const N = Number.NaN;

/** Two images: the first with two ground truths and one prediction, the second with one prediction. */
function batch(): EvaluationBatch {
  return {
    // COCO id, width, height, ground truths, predictions
    images: Float64Array.from([7, 640, 480, 2, 1, 9, 100, 50, 0, 1]),
    // image, row id, COCO id, category, iscrowd, area, x, y, w, h, num_keypoints
    gts: Float64Array.from([7, 101, 1, 3, 0, 25, 1, 2, 3, 4, N, 7, 102, 2, 3, 1, N, N, N, N, N, 5]),
    // image, row id, result id, category, score, x, y, w, h, area
    dts: Float64Array.from([7, 201, 1, 3, 0.9, 5, 6, 7, 8, N, 9, 202, 2, 4, 0.5, N, N, N, N, 12]),
    gtText: { segmentation: ['[[1,2,3,4,5,6]]', null], keypoints: null },
    dtText: { segmentation: [null, '{"size":[50,100],"counts":"a"}'], keypoints: null },
  };
}

describe('EvaluationBatch', () => {
  it("gives each image its rows as the matching reads them: NaN as NULL, a ground truth's missing area as 0, JSON parsed", () => {
    const [first, second] = batchImages(batch());
    expect(first).to.deep.equal({
      imageId: 7,
      width: 640,
      height: 480,
      gts: [
        {
          rowId: 101,
          id: 1,
          categoryId: 3,
          iscrowd: false,
          area: 25,
          bbox: [1, 2, 3, 4],
          segmentation: [[1, 2, 3, 4, 5, 6]],
          keypoints: null,
          numKeypoints: null,
        },
        { rowId: 102, id: 2, categoryId: 3, iscrowd: true, area: 0, bbox: null, segmentation: null, keypoints: null, numKeypoints: 5 },
      ],
      dts: [{ rowId: 201, resultId: 1, categoryId: 3, score: 0.9, bbox: [5, 6, 7, 8], area: null, segmentation: null, keypoints: null }],
    });
    expect(second).to.deep.equal({
      imageId: 9,
      width: 100,
      height: 50,
      gts: [],
      dts: [{ rowId: 202, resultId: 2, categoryId: 4, score: 0.5, bbox: null, area: 12, segmentation: { size: [50, 100], counts: 'a' }, keypoints: null }],
    });
  });

  it('slices a run of images with their rows into arrays of their own', () => {
    const whole = batch();
    const tail = sliceBatch(whole, 1, 2, { gtStart: 2, gtEnd: 2, dtStart: 1, dtEnd: 2 });
    expect([...tail.images]).to.deep.equal([9, 100, 50, 0, 1]);
    expect([...tail.gts]).to.deep.equal([]);
    expect([...tail.dts]).to.deep.equal([9, 202, 2, 4, 0.5, N, N, N, N, 12]);
    expect(tail.dtText.segmentation).to.deep.equal(['{"size":[50,100],"counts":"a"}']);
    tail.dts[0] = 0;
    expect(whole.dts[10]).to.equal(9);
  });

  it('names the image whose stored JSON does not parse', () => {
    const broken = batch();
    broken.dtText.segmentation = ['{', null];
    expect(() => batchImages(broken)).to.throw(SyntaxError, /^image 7: /);
  });
});

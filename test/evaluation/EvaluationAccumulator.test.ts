import { expect } from 'chai';
import { EvaluationAccumulator } from '../../src/evaluation/EvaluationAccumulator.js';
import type { IouType } from '../../src/evaluation/evaluationTypes.js';
import { matchImage } from '../../src/evaluation/matchImage.js';
import { summaryStats } from '../../src/evaluation/summaryStats.js';
import { evaluationInputs } from '../helpers/evaluationFixture.js';

const TOLERANCE = 1e-9;

function closeTo(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length, what).to.equal(expected.length);
  actual.forEach((v, i) => expect(v, `${what}[${i}]`).to.be.closeTo(expected[i]!, TOLERANCE));
}

for (const iouType of ['bbox', 'segm', 'keypoints'] as IouType[]) {
  describe(`EvaluationAccumulator (${iouType}), against pycocotools' accumulate and summarize`, () => {
    const { settings, inputs, reference } = evaluationInputs(iouType);
    const accumulator = new EvaluationAccumulator(iouType, settings.catIds);
    for (const input of inputs) accumulator.add(matchImage(input, settings));
    const figures = accumulator.finish();

    it('gives COCOeval.stats, every one, named in stats order', () => {
      closeTo(figures.summary, reference.stats, 'stats');
      expect(Object.keys(figures.stats)).to.deep.equal(summaryStats(iouType).map((s) => s.name));
      expect(Object.values(figures.stats)).to.deep.equal(figures.summary);
    });

    it("gives each category's AP, AP50, AP75 and AR100 (-1 where it has no ground truth)", () => {
      expect(figures.perCategory.map((c) => c.categoryId)).to.deep.equal(reference.catIds);
      figures.perCategory.forEach((c, k) => {
        const ref = reference.perCategory[k]!;
        closeTo([c.AP, c.AP50, c.AP75, c.AR100], [ref.AP, ref.AP50, ref.AP75, ref.AR100], `category ${c.categoryId}`);
      });
    });

    it("gives each category's 101-point precision curves at IoU 0.5 and 0.75", () => {
      figures.perCategory.forEach((c, k) => {
        closeTo(c.precision50, reference.perCategory[k]!.precision50, `category ${c.categoryId} precision50`);
        closeTo(c.precision75, reference.perCategory[k]!.precision75, `category ${c.categoryId} precision75`);
      });
    });
  });
}

describe('EvaluationAccumulator', () => {
  it('refuses images out of ascending id order, which would change how equal scores sort', () => {
    const accumulator = new EvaluationAccumulator('bbox', [1]);
    accumulator.add({ imageId: 5, categories: [], predictions: [], groundTruths: [] });
    expect(() => accumulator.add({ imageId: 3, categories: [], predictions: [], groundTruths: [] })).to.throw(RangeError, /ascending/);
  });

  it('gives -1 everywhere when nothing was added', () => {
    const figures = new EvaluationAccumulator('keypoints', [1]).finish();
    expect(figures.summary).to.deep.equal(new Array(10).fill(-1));
    expect(figures.perCategory[0]!.precision50).to.deep.equal(new Array(101).fill(-1));
  });
});

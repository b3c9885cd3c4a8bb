import { expect } from 'chai';
import { encodeMatches } from '../../src/evaluation/BatchMatches.js';
import { EvaluationAccumulator } from '../../src/evaluation/EvaluationAccumulator.js';
import { matchImage } from '../../src/evaluation/matchImage.js';
import { summaryStats } from '../../src/evaluation/summaryStats.js';
import { EVALUATION_CASES, evaluationInputs } from '../helpers/evaluationFixture.js';

const TOLERANCE = 1e-9;

function closeTo(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length, what).to.equal(expected.length);
  actual.forEach((v, i) => expect(v, `${what}[${i}]`).to.be.closeTo(expected[i]!, TOLERANCE));
}

for (const name of EVALUATION_CASES) {
  describe(`EvaluationAccumulator (${name}), against pycocotools' accumulate and summarize`, () => {
    const { settings, inputs, reference } = evaluationInputs(name);
    const { iouType } = settings;
    const accumulator = new EvaluationAccumulator(iouType, settings.catIds);
    // In batches of three images, as the workers send them, encoded for the trip back.
    const areas = iouType === 'keypoints' ? 3 : 4;
    for (let i = 0; i < inputs.length; i += 3) {
      accumulator.add(
        encodeMatches(
          inputs.slice(i, i + 3).map((input) => matchImage(input, settings)),
          areas,
        ),
      );
    }
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
    const image = (imageId: number) => encodeMatches([{ imageId, categories: [], predictions: [], groundTruths: [] }], 4);
    accumulator.add(image(5));
    expect(() => accumulator.add(image(3))).to.throw(RangeError, /ascending/);
  });

  it('gives -1 everywhere when nothing was added', () => {
    const figures = new EvaluationAccumulator('keypoints', [1]).finish();
    expect(figures.summary).to.deep.equal(new Array(10).fill(-1));
    expect(figures.perCategory[0]!.precision50).to.deep.equal(new Array(101).fill(-1));
  });
});

import { expect } from 'chai';
import { evaluationParams } from '../../src/evaluation/evaluationParams.js';
import type { IouType } from '../../src/evaluation/evaluationTypes.js';
import { summaryLines } from '../../src/evaluation/summaryLines.js';
import { readEvaluationJson } from '../helpers/evaluationFixture.js';

describe("summaryLines (COCOeval.summarize's printout)", () => {
  for (const iouType of ['bbox', 'segm', 'keypoints'] as IouType[]) {
    it(`prints the ${iouType} summary exactly as pycocotools printed it`, () => {
      const reference = readEvaluationJson(`reference_${iouType}.json`);
      expect(summaryLines(iouType, reference.stats)).to.deep.equal(reference.lines);
    });
  }

  it('rounds an exact tie to even as Python does (0.0625 -> 0.062, 0.1875 -> 0.188), and prints -1 as -1.000', () => {
    const lines = summaryLines('keypoints', [0.0625, 0.1875, -1, 0, 1, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(lines.slice(0, 5).map((l) => l.slice(-6))).to.deep.equal(['0.062', '0.188', '-1.000', '0.000', '1.000'].map((s) => s.padStart(6)));
  });
});

describe('evaluationParams (COCOeval Params)', () => {
  it("gives numpy linspace's thresholds, as pycocotools has them", () => {
    const reference = readEvaluationJson('reference_bbox.json');
    const p = evaluationParams('bbox');
    expect([...p.iouThrs]).to.deep.equal(reference.iouThrs);
    expect([...p.recThrs]).to.deep.equal(reference.recThrs);
    expect([...p.iouThrs]).to.deep.equal([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
    expect(evaluationParams('keypoints').maxDets).to.deep.equal([20]);
    expect(evaluationParams('keypoints').areaRanges.map((a) => a.label)).to.deep.equal(['all', 'medium', 'large']);
  });
});

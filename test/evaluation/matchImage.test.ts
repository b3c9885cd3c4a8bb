import { expect } from 'chai';
import { EvaluationInputError } from '../../src/evaluation/EvaluationInputError.js';
import { COCO_KEYPOINT_SIGMAS } from '../../src/evaluation/evaluationParams.js';
import type { Box, EvalImageInput, EvalSettings, PredictionOutcomeRow } from '../../src/evaluation/evaluationTypes.js';
import { matchImage } from '../../src/evaluation/matchImage.js';
import { EVALUATION_CASES, evaluationInputs } from '../helpers/evaluationFixture.js';

const gt = (rowId: number, categoryId: number, bbox: Box, iscrowd = false) => ({
  rowId,
  id: rowId * 10,
  categoryId,
  iscrowd,
  area: bbox[2] * bbox[3],
  bbox,
  segmentation: null,
  keypoints: null,
  numKeypoints: null,
});
const dt = (rowId: number, categoryId: number, score: number, bbox: Box) => ({
  rowId,
  resultId: rowId,
  categoryId,
  score,
  bbox,
  area: null,
  segmentation: null,
  keypoints: null,
});

for (const name of EVALUATION_CASES) {
  describe(`matchImage (${name}): outcome rows against pycocotools' evalImgs at IoU 0.5 and 0.75`, () => {
    const { settings, inputs, reference } = evaluationInputs(name);
    const results = inputs.map((input) => matchImage(input, settings));

    it('gives each prediction tp, fp or ignored, its match and IoU as dtMatches / dtIgnore say; unevaluated ones (past maxDets, unknown category) ignored', () => {
      let checked = 0;
      inputs.forEach((input, i) => {
        const rows = new Map(results[i]!.predictions.map((row) => [row.rowId, row]));
        expect(rows.size).to.equal(input.dts.length);
        const seen = new Set<number>();
        for (const ref of reference.evalImgs.filter((e) => e.imageId === input.imageId)) {
          const gts = input.gts.filter((g) => g.categoryId === ref.categoryId);
          ref.dtIds.forEach((resultId, d) => {
            const det = input.dts.find((x) => x.resultId === resultId)!;
            const row = rows.get(det.rowId)!;
            seen.add(det.rowId);
            [0, 5].forEach((t, column) => {
              const suffix = column === 0 ? '50' : '75';
              const gtId = ref.dtMatches[t]![d]!;
              const expected = ref.dtIgnore[t]![d] ? 'ignored' : gtId !== 0 ? 'tp' : 'fp';
              const where = `prediction ${resultId} t=${t}`;
              expect(row[`outcome${suffix}` as keyof PredictionOutcomeRow], where).to.equal(expected);
              if (gtId !== 0) {
                const g = gts.findIndex((x) => x.id === gtId);
                expect(row[`matched${suffix}` as keyof PredictionOutcomeRow], where).to.equal(gts[g]!.rowId);
                expect(row[`iou${suffix}` as keyof PredictionOutcomeRow], where).to.be.closeTo(ref.ious[d]![g]!, 1e-9);
              } else if (!ref.gtMatches[t]!.includes(resultId)) {
                expect(row[`matched${suffix}` as keyof PredictionOutcomeRow], where).to.equal(null);
              }
              checked++;
            });
          });
        }
        for (const det of input.dts.filter((x) => !seen.has(x.rowId))) {
          expect(rows.get(det.rowId), `prediction ${det.resultId}`).to.deep.include({
            outcome50: 'ignored',
            matched50: null,
            outcome75: 'ignored',
            confusedWith: null,
          });
        }
      });
      // Every detection pycocotools evaluated, at both thresholds.
      expect(checked).to.equal(2 * reference.evalImgs.reduce((n, e) => n + e.dtIds.length, 0));
    });

    it('gives each ground truth tp, fn or ignored and its matching prediction as gtMatches / gtIgnore say', () => {
      inputs.forEach((input, i) => {
        const rows = new Map(results[i]!.groundTruths.map((row) => [row.rowId, row]));
        for (const ref of reference.evalImgs.filter((e) => e.imageId === input.imageId)) {
          ref.gtIds.forEach((gtId, j) => {
            const g = input.gts.find((x) => x.id === gtId && x.categoryId === ref.categoryId)!;
            const row = rows.get(g.rowId)!;
            const dtId = ref.gtMatches[0]![j]!;
            expect(row.outcome50, `ground truth ${gtId}`).to.equal(ref.gtIgnore[j] ? 'ignored' : dtId !== 0 ? 'tp' : 'fn');
            if (dtId !== 0) expect(row.matched50).to.equal(input.dts.find((x) => x.resultId === dtId)!.rowId);
            else expect(row.matched50).to.equal(null);
          });
        }
      });
    });
  });
}

describe('matchImage', () => {
  const settings: EvalSettings = { iouType: 'bbox', branch: 'bbox', catIds: [1, 2, 3, 5], sigmas: [...COCO_KEYPOINT_SIGMAS] };
  const input: EvalImageInput = {
    imageId: 1,
    width: 100,
    height: 100,
    gts: [gt(1, 2, [10, 10, 40, 40]), gt(2, 1, [0, 0, 100, 100], true), gt(3, 1, [60, 60, 20, 20]), gt(4, 3, [12, 10, 40, 40])],
    dts: [
      dt(11, 3, 0.9, [10, 10, 40, 40]),
      dt(12, 5, 0.8, [10, 10, 40, 40]),
      dt(13, 5, 0.7, [60, 60, 20, 22]),
      dt(14, 5, 0.6, [90, 0, 5, 5]),
      dt(15, 99, 0.5, [10, 10, 40, 40]),
    ],
  };
  const result = matchImage(input, settings);
  const row = (rowId: number) => result.predictions.find((p) => p.rowId === rowId)!;

  it("names, for a false positive at 0.5, the other category's non-crowd ground truth it overlaps most (hand-computed IoUs)", () => {
    // 12 covers the car exactly (IoU 1) and the dog 38x40 of 1680 pixels; the crowd is never a confusion.
    expect(row(12)).to.include({ outcome50: 'fp', confusedWith: 1, confusedIou: 1 });
    // 13 (20x22) covers the person (20x20): 400 / 440.
    expect(row(13)).to.include({ outcome50: 'fp', confusedWith: 3, confusedIou: 400 / 440 });
    expect(row(14)).to.include({ outcome50: 'fp', confusedWith: null, confusedIou: null });
  });

  it('names, for a false positive mask, the polygon of another category under it, and passes over those elsewhere in the image', () => {
    const square = (x: number, y: number, size: number) => [[x, y, x + size, y, x + size, y + size, x, y + size]];
    const masked = (row: ReturnType<typeof gt>, segmentation: number[][]) => ({ ...row, segmentation });
    const scene: EvalImageInput = {
      imageId: 3,
      width: 100,
      height: 100,
      gts: [masked(gt(21, 1, [10, 10, 30, 30]), square(10, 10, 30)), masked(gt(22, 2, [70, 70, 20, 20]), square(70, 70, 20))],
      dts: [
        { ...dt(31, 3, 0.9, [10, 10, 30, 30]), segmentation: square(10, 10, 30) },
        { ...dt(32, 3, 0.8, [45, 5, 10, 10]), segmentation: square(45, 5, 10) },
      ],
    };
    const matched = matchImage(scene, { ...settings, iouType: 'segm', branch: 'segm', catIds: [1, 2, 3] });
    const fate = (rowId: number) => matched.predictions.find((p) => p.rowId === rowId)!;
    // The same polygon rasterised twice: IoU 1, whatever the rasterisation's rounding.
    expect(fate(31)).to.include({ outcome50: 'fp', confusedWith: 21, confusedIou: 1 });
    // Nothing of another category under it (the nearest square is 5 pixels away).
    expect(fate(32)).to.include({ outcome50: 'fp', confusedWith: null, confusedIou: null });
  });

  it('passes over, as no confusion, a ground truth of another category that has no box to compare with', () => {
    // A box evaluation compares no box-less ground truth with a prediction of another category; pycocotools never would either.
    const boxless = { ...gt(5, 2, [0, 0, 1, 1]), bbox: null };
    const alone: EvalImageInput = { imageId: 2, width: 100, height: 100, gts: [gt(6, 1, [10, 10, 40, 40]), boxless], dts: [dt(16, 1, 0.9, [60, 60, 10, 10])] };
    const matched = matchImage(alone, { ...settings, catIds: [1, 3, 5] });
    expect(matched.predictions[0]).to.include({ outcome50: 'fp', confusedWith: null, confusedIou: null });
  });

  it('matches the dog box to the dog (IoU 1520/1680) and leaves a category outside catIds ignored', () => {
    expect(row(11)).to.include({ outcome50: 'tp', matched50: 4, iou50: 1520 / 1680, outcome75: 'tp', confusedWith: null });
    expect(row(15)).to.include({ outcome50: 'ignored', matched50: null });
    const gts = Object.fromEntries(result.groundTruths.map((g) => [g.rowId, g.outcome50]));
    expect(gts).to.deep.equal({ 1: 'fn', 2: 'ignored', 3: 'fn', 4: 'tp' });
    expect(result.categories.map((c) => c.categoryId)).to.deep.equal([1, 2, 3, 5]);
  });

  it('fails with EVALUATION_INVALID, naming the annotation and `sigmas`, when a ground truth has another number of keypoints than the sigmas', () => {
    const person = { ...gt(7, 1, [10, 10, 40, 40]), keypoints: new Array(14 * 3).fill(1), numKeypoints: 14 };
    const det = { ...dt(8, 1, 0.5, [10, 10, 40, 40]), keypoints: new Array(17 * 3).fill(1) };
    const keypoints: EvalSettings = { ...settings, iouType: 'keypoints', branch: 'keypoints', catIds: [1] };
    let error: unknown;
    try {
      matchImage({ imageId: 3, width: 100, height: 100, gts: [person], dts: [det] }, keypoints);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(EvaluationInputError);
    expect((error as EvaluationInputError).code).to.equal('EVALUATION_INVALID');
    expect((error as Error).message).to.match(/ground truth 70 \(row 7\) of image 3 has 14 keypoints but the OKS sigmas are for 17: pass `sigmas`/);
  });
});

import { expect } from 'chai';
import { oksVariances } from '../../src/evaluation/computeOks.js';
import { evaluateCategories, paramsFor } from '../../src/evaluation/evaluateCategories.js';
import type { IouType } from '../../src/evaluation/evaluationTypes.js';
import { ImageGeometry } from '../../src/evaluation/ImageGeometry.js';
import { evaluationInputs } from '../helpers/evaluationFixture.js';

const TOLERANCE = 1e-9;

for (const iouType of ['bbox', 'segm', 'keypoints'] as IouType[]) {
  describe(`evaluateCategories (${iouType}), against pycocotools' evalImgs`, () => {
    const { settings, inputs, reference } = evaluationInputs(iouType);
    const T = paramsFor(settings).iouThrs.length;
    const ours = new Map<string, ReturnType<typeof evaluateCategories>[number] & { imageIndex: number }>();
    inputs.forEach((input, imageIndex) => {
      const geometry = new ImageGeometry(input, settings, iouType === 'keypoints' ? oksVariances(settings.sigmas) : null);
      for (const e of evaluateCategories(input, settings, geometry)) ours.set(`${input.imageId}/${e.categoryId}`, { ...e, imageIndex });
    });

    it('evaluates exactly the (image, category) pairs COCOeval evaluates', () => {
      expect([...ours.keys()].sort()).to.deep.equal(reference.evalImgs.map((e) => `${e.imageId}/${e.categoryId}`).sort());
    });

    it('computes the same IoU matrices (detections by score, ground truths in file order)', () => {
      for (const ref of reference.evalImgs) {
        const e = ours.get(`${ref.imageId}/${ref.categoryId}`)!;
        const G = e.gts.length;
        const D = e.dts.length;
        if (ref.ious.length === 0) {
          expect(e.ious, `${ref.imageId}/${ref.categoryId}`).to.equal(null);
          continue;
        }
        expect([ref.ious.length, ref.ious[0]!.length]).to.deep.equal([D, G]);
        for (let d = 0; d < D; d++) {
          for (let g = 0; g < G; g++) expect(e.ious![d * G + g], `${ref.imageId}/${ref.categoryId} [${d}, ${g}]`).to.be.closeTo(ref.ious[d]![g]!, TOLERANCE);
        }
      }
    });

    it('matches, ignores and orders every detection and ground truth at every threshold as evaluateImg does (area all)', () => {
      for (const ref of reference.evalImgs) {
        const where = `image ${ref.imageId} category ${ref.categoryId}`;
        const e = ours.get(`${ref.imageId}/${ref.categoryId}`)!;
        const input = inputs[e.imageIndex]!;
        const all = e.byArea[0]!;
        const D = e.dts.length;
        const G = e.gts.length;
        expect(
          e.dts.map((d) => input.dts[d]!.resultId),
          where,
        ).to.deep.equal(ref.dtIds);
        expect(
          [...all.gtOrder].map((j) => input.gts[e.gts[j]!]!.id),
          where,
        ).to.deep.equal(ref.gtIds);
        expect([...all.gtIgnore], where).to.deep.equal(ref.gtIgnore);
        for (let t = 0; t < T; t++) {
          expect([...all.dtMatches.slice(t * D, (t + 1) * D)], `${where} dtMatches t=${t}`).to.deep.equal(ref.dtMatches[t]);
          expect([...all.gtMatches.slice(t * G, (t + 1) * G)], `${where} gtMatches t=${t}`).to.deep.equal(ref.gtMatches[t]);
          expect([...all.dtIgnore.slice(t * D, (t + 1) * D)], `${where} dtIgnore t=${t}`).to.deep.equal(ref.dtIgnore[t]);
        }
      }
    });
  });
}

import { oksVariances } from './computeOks.js';
import { evaluateCategories } from './evaluateCategories.js';
import { IOU50_INDEX, IOU75_INDEX } from './evaluationParams.js';
import type { EvalImageInput, EvalSettings, ImageMatchResult } from './evaluationTypes.js';
import { ImageGeometry } from './ImageGeometry.js';
import { outcomeRows } from './outcomeRows.js';

const varsBySigmas = new WeakMap<readonly number[], Float64Array>();

/**
 * Matches one image as COCOeval's `evaluate` does: for each category of
 * `settings.catIds` with ground truth or predictions here, `evaluateImg` for
 * every area range at the last maxDets, as the accumulator reads it; plus
 * each prediction's and ground truth's outcome at IoU 0.5 and 0.75 (area all).
 * Pure and synchronous: it runs in the worker pool.
 * @param input the image's ground truths in file order and its predictions (any order: they are taken by `resultId`)
 * @throws EvaluationInputError on rows COCOeval would reject (keypoints not matching the sigmas, missing geometry)
 */
export function matchImage(input: EvalImageInput, settings: EvalSettings): ImageMatchResult {
  const vars = settings.iouType === 'keypoints' ? variancesFor(settings.sigmas) : null;
  const geometry = new ImageGeometry(input, settings, vars);
  const evaluations = evaluateCategories(input, settings, geometry);
  const { predictions, groundTruths } = outcomeRows(input, evaluations, geometry, [IOU50_INDEX, IOU75_INDEX]);
  return { imageId: input.imageId, categories: evaluations, predictions, groundTruths };
}

/** OKS variances are made once per sigmas array (the settings are shared by every image). */
function variancesFor(sigmas: readonly number[]): Float64Array {
  let vars = varsBySigmas.get(sigmas);
  if (vars === undefined) {
    vars = oksVariances(sigmas);
    varsBySigmas.set(sigmas, vars);
  }
  return vars;
}

import { evaluateImage, type ImageEvaluation } from './evaluateImage.js';
import { type EvaluationParams, evaluationParams } from './evaluationParams.js';
import type { EvalImageInput, EvalSettings } from './evaluationTypes.js';
import type { ImageGeometry } from './ImageGeometry.js';

/** One category of one image, evaluated: COCOeval's `evalImgs` entries for it, one per area range. */
export interface CategoryEvaluation {
  categoryId: number;
  /** Ground truths (indices into `input.gts`), file order. */
  gts: number[];
  /** Evaluated detections (indices into `input.dts`), by score (stable), capped at the last maxDets. */
  dts: number[];
  /** `D x G` row-major IoUs (OKS), or null when either side is empty. */
  ious: ArrayLike<number> | null;
  /** `evaluateImg` for each area range of the parameters (area all first). */
  byArea: ImageEvaluation[];
  /** The detections' scores, in `dts` order. */
  scores: number[];
}

const paramsByType = new Map<string, EvaluationParams>();

/** COCOeval's parameters for an IoU type, made once. */
export function paramsFor(settings: EvalSettings): EvaluationParams {
  let params = paramsByType.get(settings.iouType);
  if (params === undefined) {
    params = evaluationParams(settings.iouType);
    paramsByType.set(settings.iouType, params);
  }
  return params;
}

/**
 * COCOeval's `evaluate` for one image: for each category of `settings.catIds`
 * with ground truth or predictions here (in id order), the IoUs
 * (`computeIoU` / `computeOks`) and `evaluateImg` for every area range at the
 * last maxDets. Predictions are taken in `resultId` order, so equal scores
 * keep the results file's order, as `loadRes` does; ground truths in the
 * order given (the annotation file's).
 */
export function evaluateCategories(input: EvalImageInput, settings: EvalSettings, geometry: ImageGeometry): CategoryEvaluation[] {
  const params = paramsFor(settings);
  const maxDet = params.maxDets[params.maxDets.length - 1]!;
  const catSet = new Set(settings.catIds);
  const gtsByCat = groupBy(
    input.gts.map((_, i) => i),
    (i) => input.gts[i]!.categoryId,
    catSet,
  );
  const dtOrder = input.dts.map((_, i) => i).sort((a, b) => input.dts[a]!.resultId - input.dts[b]!.resultId);
  const dtsByCat = groupBy(dtOrder, (i) => input.dts[i]!.categoryId, catSet);
  const present = [...new Set([...gtsByCat.keys(), ...dtsByCat.keys()])].sort((a, b) => a - b);
  return present.map((categoryId) => {
    const gts = gtsByCat.get(categoryId) ?? [];
    // Highest score first; Array.prototype.sort is stable, so ties keep file order (numpy's mergesort of -score).
    const dts = (dtsByCat.get(categoryId) ?? []).sort((a, b) => input.dts[b]!.score - input.dts[a]!.score).slice(0, maxDet);
    const ious = geometry.ious(dts, gts);
    const rows = {
      gtIds: gts.map((g) => input.gts[g]!.id),
      gtIgnore: gts.map((g) => (ignored(input, g, settings) ? 1 : 0)),
      gtCrowd: gts.map((g) => (input.gts[g]!.iscrowd ? 1 : 0)),
      gtArea: gts.map((g) => input.gts[g]!.area),
      dtIds: dts.map((d) => input.dts[d]!.resultId),
      dtArea: dts.map((d) => geometry.dt(d).area),
      ious,
    };
    const byArea = params.areaRanges.map((area) => evaluateImage(rows, area.range, params.iouThrs));
    return { categoryId, gts, dts, ious, byArea, scores: dts.map((d) => input.dts[d]!.score) };
  });
}

/** COCOeval's gt `ignore`: a crowd, and for keypoints a person without keypoints. */
function ignored(input: EvalImageInput, g: number, settings: EvalSettings): boolean {
  const gt = input.gts[g]!;
  if (gt.iscrowd) return true;
  if (settings.iouType !== 'keypoints') return false;
  return (gt.numKeypoints ?? visibleKeypoints(gt.keypoints)) === 0;
}

function visibleKeypoints(kps: number[] | null): number {
  let n = 0;
  if (kps !== null) for (let i = 2; i < kps.length; i += 3) if (kps[i]! > 0) n++;
  return n;
}

function groupBy(indices: readonly number[], categoryOf: (i: number) => number, keep: Set<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const c = categoryOf(i);
    if (!keep.has(c)) continue;
    const group = groups.get(c);
    if (group === undefined) groups.set(c, [i]);
    else group.push(i);
  }
  return groups;
}

import { oksVariances } from './computeOks.js';
import { evaluateImage, type ImageEvaluation } from './evaluateImage.js';
import { type EvaluationParams, evaluationParams, IOU50_INDEX, IOU75_INDEX } from './evaluationParams.js';
import type { CategoryImageMatch, EvalImageInput, EvalSettings, ImageMatchResult } from './evaluationTypes.js';
import { ImageGeometry } from './ImageGeometry.js';
import { type CategoryEvaluation, outcomeRows } from './outcomeRows.js';

const paramsByType = new Map<string, EvaluationParams>();
const varsBySigmas = new WeakMap<readonly number[], Float64Array>();

/**
 * Matches one image as COCOeval's `evaluate` does: for each category of
 * `settings.catIds` with ground truth or predictions here, `evaluateImg` for
 * every area range at the last maxDets, compacted for the accumulator; plus
 * each prediction's and ground truth's outcome at IoU 0.5 and 0.75 (area all).
 * Pure and synchronous: it runs in the worker pool, one image per call (or a
 * batch of images per task).
 * @param input the image's ground truths in file order and its predictions (any order: they are taken by `resultId`)
 * @throws EvaluationInputError on rows COCOeval would reject (keypoints not matching the sigmas, missing geometry)
 */
export function matchImage(input: EvalImageInput, settings: EvalSettings): ImageMatchResult {
  const params = paramsFor(settings);
  const vars = settings.iouType === 'keypoints' ? variancesFor(settings.sigmas) : null;
  const geometry = new ImageGeometry(input, settings, vars);
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
  const categories: CategoryImageMatch[] = [];
  const evaluations: CategoryEvaluation[] = [];
  for (const categoryId of present) {
    const gts = gtsByCat.get(categoryId) ?? [];
    const dts = byScore(dtsByCat.get(categoryId) ?? [], input).slice(0, maxDet);
    const ious = geometry.ious(dts, gts);
    const gtIgnore = Uint8Array.from(gts, (g) => (ignored(input, g, settings) ? 1 : 0));
    const rows = {
      gtIds: gts.map((g) => input.gts[g]!.id),
      gtIgnore,
      gtCrowd: Uint8Array.from(gts, (g) => (input.gts[g]!.iscrowd ? 1 : 0)),
      gtArea: Float64Array.from(gts, (g) => input.gts[g]!.area),
      dtIds: dts.map((d) => input.dts[d]!.resultId),
      dtArea: Float64Array.from(dts, (d) => geometry.dt(d).area),
      ious,
    };
    const byArea = params.areaRanges.map((area) => evaluateImage(rows, area.range, params.iouThrs));
    categories.push(
      compact(
        categoryId,
        byArea,
        dts.map((d) => input.dts[d]!.score),
        params.iouThrs.length,
      ),
    );
    evaluations.push({ gts, dts, ious, all: byArea[0]! });
  }
  const { predictions, groundTruths } = outcomeRows(input, evaluations, geometry, [IOU50_INDEX, IOU75_INDEX]);
  return { imageId: input.imageId, categories, predictions, groundTruths };
}

function paramsFor(settings: EvalSettings): EvaluationParams {
  let params = paramsByType.get(settings.iouType);
  if (params === undefined) {
    params = evaluationParams(settings.iouType);
    paramsByType.set(settings.iouType, params);
  }
  return params;
}

function variancesFor(sigmas: readonly number[]): Float64Array {
  let vars = varsBySigmas.get(sigmas);
  if (vars === undefined) {
    vars = oksVariances(sigmas);
    varsBySigmas.set(sigmas, vars);
  }
  return vars;
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

/** Highest score first; ties keep file order (numpy's stable mergesort of `-score`). */
function byScore(dts: number[], input: EvalImageInput): number[] {
  return dts.sort((a, b) => input.dts[b]!.score - input.dts[a]!.score || input.dts[a]!.resultId - input.dts[b]!.resultId);
}

function compact(categoryId: number, byArea: ImageEvaluation[], scores: number[], T: number): CategoryImageMatch {
  const D = scores.length;
  const matched: number[][] = [];
  const ignoredBits: number[][] = [];
  for (const e of byArea) {
    const m = new Array<number>(D).fill(0);
    const ig = new Array<number>(D).fill(0);
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        if (e.dtMatches[t * D + d] !== 0) m[d]! |= 1 << t;
        if (e.dtIgnore[t * D + d]) ig[d]! |= 1 << t;
      }
    }
    matched.push(m);
    ignoredBits.push(ig);
  }
  const notIgnored = byArea.map((e) => e.gtIgnore.reduce((n, v) => n + (v === 0 ? 1 : 0), 0));
  return { categoryId, scores, notIgnored, matched, ignored: ignoredBits };
}

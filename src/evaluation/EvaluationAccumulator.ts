import { accumulateCategory } from './accumulateCategory.js';
import { type BatchMatches, entryStride } from './BatchMatches.js';
import { CategoryDetections } from './CategoryDetections.js';
import { type EvaluationParams, evaluationParams, IOU50_INDEX, IOU75_INDEX } from './evaluationParams.js';
import type { CategoryFigures, EvaluationFigures, IouType } from './evaluationTypes.js';
import { meanOfDefined } from './meanOfDefined.js';
import { summarize } from './summarize.js';

/**
 * COCOeval's `accumulate` and `summarize` over matched images, fed a batch
 * of images at a time. Images must be added in ascending image id order (COCOeval's
 * `imgIds` order), because the concatenation order decides how equal scores
 * sort. Memory is about 26 bytes per evaluated detection (bbox, segm; 22 for
 * keypoints), nothing per image.
 */
export class EvaluationAccumulator {
  readonly #params: EvaluationParams;
  readonly #catIds: readonly number[];
  readonly #byCategory = new Map<number, CategoryDetections>();
  #lastImageId = Number.NEGATIVE_INFINITY;

  /**
   * @param iouType decides the parameters (maxDets, area ranges) and the summary
   * @param catIds the ground truth's category ids, sorted (COCOeval's `params.catIds`)
   */
  constructor(
    readonly iouType: IouType,
    catIds: readonly number[],
  ) {
    this.#params = evaluationParams(iouType);
    this.#catIds = catIds;
    for (const id of catIds) this.#byCategory.set(id, new CategoryDetections(this.#params.areaRanges.length));
  }

  /**
   * Adds a batch's matches (images in ascending id order, after those added before).
   * @throws RangeError when images come out of ascending id order
   */
  add(matches: BatchMatches): void {
    for (const imageId of matches.imageIds) {
      if (!(imageId > this.#lastImageId)) {
        throw new RangeError(`Images must be added in ascending id order: ${imageId} came after ${this.#lastImageId}`);
      }
      this.#lastImageId = imageId;
    }
    const A = matches.areas;
    const stride = entryStride(A);
    const { entries, scores, bits } = matches;
    let first = 0;
    for (let e = 0; e < entries.length; e += stride) {
      const count = entries[e + 2]!;
      this.#byCategory.get(entries[e + 1]!)?.add(scores, bits, first, count, entries, e + 3);
      first += count;
    }
  }

  /** `accumulate()` then `summarize()`: the summary, by name, and each category's figures. */
  finish(): EvaluationFigures {
    const p = this.#params;
    const T = p.iouThrs.length;
    const R = p.recThrs.length;
    const K = this.#catIds.length;
    const A = p.areaRanges.length;
    const M = p.maxDets.length;
    const precision = new Float64Array(A * T * R * K).fill(-1);
    const recall = new Float64Array(T * K * A * M).fill(-1);
    this.#catIds.forEach((id, k) => {
      // In summarize's order: see AccumulatedEval.
      accumulateCategory(this.#byCategory.get(id)!, p, (t, a, m, rc, q) => {
        recall[((a * M + m) * T + t) * K + k] = rc;
        if (q !== null) for (let r = 0; r < R; r++) precision[((a * T + t) * R + r) * K + k] = q[r]!;
      });
    });
    const { summary, stats } = summarize(this.iouType, p, { precision, recall, K });
    const perCategory = this.#catIds.map((categoryId, k) => categoryFigures(categoryId, k, p, precision, recall, K));
    return { summary, stats, perCategory };
  }
}

function categoryFigures(categoryId: number, k: number, p: EvaluationParams, precision: Float64Array, recall: Float64Array, K: number): CategoryFigures {
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const M = p.maxDets.length;
  // Area all (index 0), the last maxDets, in summarize's order: see AccumulatedEval.
  const at = (t: number, r: number) => precision[(t * R + r) * K + k]!;
  const curve = (t: number) => Array.from({ length: R }, (_, r) => at(t, r));
  const all: number[] = [];
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) all.push(at(t, r));
  const rec = Array.from({ length: T }, (_, t) => recall[((M - 1) * T + t) * K + k]!);
  const precision50 = curve(IOU50_INDEX);
  const precision75 = curve(IOU75_INDEX);
  return {
    categoryId,
    AP: meanOfDefined(all),
    AP50: meanOfDefined(precision50),
    AP75: meanOfDefined(precision75),
    AR100: meanOfDefined(rec),
    precision50,
    precision75,
  };
}

import type { GroundTruthOutcome, ImageMatchResult, PredictionOutcome } from './evaluationTypes.js';

/** A prediction's outcome as a number in {@link BatchMatches.predictions}. */
export const PREDICTION_OUTCOMES: readonly PredictionOutcome[] = ['ignored', 'tp', 'fp'];
/** A ground truth's outcome as a number in {@link BatchMatches.groundTruths}. */
export const GROUND_TRUTH_OUTCOMES: readonly GroundTruthOutcome[] = ['ignored', 'tp', 'fn'];

const PREDICTION_CODE = Object.fromEntries(PREDICTION_OUTCOMES.map((o, i) => [o, i])) as Record<PredictionOutcome, number>;
const GROUND_TRUTH_CODE = Object.fromEntries(GROUND_TRUTH_OUTCOMES.map((o, i) => [o, i])) as Record<GroundTruthOutcome, number>;

/** The fields a prediction's and a ground truth's outcomes both start with: each threshold's outcome code, match and IoU. */
export const OUTCOME_FIELDS = { outcome50: 0, matched50: 1, iou50: 2, outcome75: 3, matched75: 4, iou75: 5 } as const;

/** Where each prediction's outcome sits in {@link BatchMatches.predictions}: outcomes as indices of {@link PREDICTION_OUTCOMES}, NaN for NULL. */
export const PREDICTION = { ...OUTCOME_FIELDS, confusedWith: 6, confusedIou: 7, stride: 8 } as const;
/** Where each ground truth's outcome sits in {@link BatchMatches.groundTruths}: outcomes as indices of {@link GROUND_TRUTH_OUTCOMES} */
export const GROUND_TRUTH = { ...OUTCOME_FIELDS, stride: 6 } as const;

/**
 * A batch's matching, in columns, as the worker sends it back: each
 * prediction's and ground truth's outcomes in the batch's row order, and what
 * the accumulator needs of each (image, category), in image order. Typed
 * arrays cross threads as one copy each, where an object per row cost the
 * main thread, the evaluation's bottleneck, more than the matching.
 */
export interface BatchMatches {
  /** Each image's COCO id, in order. */
  imageIds: Float64Array;
  /** {@link PREDICTION} numbers per prediction. */
  predictions: Float64Array;
  /** {@link GROUND_TRUTH} numbers per ground truth. */
  groundTruths: Float64Array;
  /** Area ranges (A): 4 for bbox and segm, 3 for keypoints. */
  areas: number;
  /** Per (image, category) with something evaluated: image index, category id, detections, then per area range the ground truths not ignored. */
  entries: Float64Array;
  /** The entries' detections' scores, in evaluated order, entry after entry. */
  scores: Float64Array;
  /** Per detection, A masks of the thresholds matched then A of those ignored (bit t: threshold t). */
  bits: Uint16Array;
}

/** Numbers per entry of {@link BatchMatches.entries}. */
export function entryStride(areas: number): number {
  return 3 + areas;
}

/** Encodes a batch's per-image results (in the batch's image order) for the trip back. */
export function encodeMatches(results: readonly ImageMatchResult[], areas: number): BatchMatches {
  let dts = 0;
  let gts = 0;
  let entries = 0;
  let detections = 0;
  for (const r of results) {
    dts += r.predictions.length;
    gts += r.groundTruths.length;
    entries += r.categories.length;
    for (const c of r.categories) detections += c.scores.length;
  }
  const out: BatchMatches = {
    imageIds: new Float64Array(results.length),
    predictions: new Float64Array(dts * PREDICTION.stride),
    groundTruths: new Float64Array(gts * GROUND_TRUTH.stride),
    areas,
    entries: new Float64Array(entries * entryStride(areas)),
    scores: new Float64Array(detections),
    bits: new Uint16Array(detections * 2 * areas),
  };
  const { predictions, groundTruths } = out;
  let p = 0;
  let g = 0;
  let e = 0;
  let s = 0;
  // Plain stores, no array per row: this runs for every prediction in the worker.
  results.forEach((r, image) => {
    out.imageIds[image] = r.imageId;
    for (const o of r.predictions) {
      writeOutcome(predictions, p, PREDICTION_CODE[o.outcome50], PREDICTION_CODE[o.outcome75], o);
      predictions[p + PREDICTION.confusedWith] = o.confusedWith ?? Number.NaN;
      predictions[p + PREDICTION.confusedIou] = o.confusedIou ?? Number.NaN;
      p += PREDICTION.stride;
    }
    for (const o of r.groundTruths) {
      writeOutcome(groundTruths, g, GROUND_TRUTH_CODE[o.outcome50], GROUND_TRUTH_CODE[o.outcome75], o);
      g += GROUND_TRUTH.stride;
    }
    for (const c of r.categories) {
      const n = c.scores.length;
      out.entries[e] = image;
      out.entries[e + 1] = c.categoryId;
      out.entries[e + 2] = n;
      e += 3;
      c.byArea.forEach((area, a) => {
        let notIgnored = 0;
        for (const ignored of area.gtIgnore) if (ignored === 0) notIgnored++;
        out.entries[e + a] = notIgnored;
        // Per detection, bit t of its masks: matched at threshold t (dtMatches != 0, so a gt with COCO id 0 reads as
        // unmatched, as in `accumulate`), ignored at threshold t (dtIgnore).
        const T = n === 0 ? 0 : area.dtMatches.length / n;
        for (let d = 0; d < n; d++) {
          let matched = 0;
          let ignored = 0;
          for (let t = 0; t < T; t++) {
            if (area.dtMatches[t * n + d] !== 0) matched |= 1 << t;
            if (area.dtIgnore[t * n + d]) ignored |= 1 << t;
          }
          const at = (s + d) * 2 * areas;
          out.bits[at + a] = matched;
          out.bits[at + areas + a] = ignored;
        }
      });
      e += areas;
      for (let d = 0; d < n; d++) out.scores[s + d] = c.scores[d]!;
      s += n;
    }
  });
  return out;
}

/** Writes the {@link OUTCOME_FIELDS} of one row. */
function writeOutcome(
  out: Float64Array,
  at: number,
  code50: number,
  code75: number,
  o: { matched50: number | null; iou50: number | null; matched75: number | null; iou75: number | null },
): void {
  out[at + OUTCOME_FIELDS.outcome50] = code50;
  out[at + OUTCOME_FIELDS.matched50] = o.matched50 ?? Number.NaN;
  out[at + OUTCOME_FIELDS.iou50] = o.iou50 ?? Number.NaN;
  out[at + OUTCOME_FIELDS.outcome75] = code75;
  out[at + OUTCOME_FIELDS.matched75] = o.matched75 ?? Number.NaN;
  out[at + OUTCOME_FIELDS.iou75] = o.iou75 ?? Number.NaN;
}

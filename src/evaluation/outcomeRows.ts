import { EvaluationInputError } from './EvaluationInputError.js';
import type { CategoryEvaluation } from './evaluateCategories.js';
import type { EvalImageInput, GroundTruthOutcome, GroundTruthOutcomeRow, PredictionOutcome, PredictionOutcomeRow } from './evaluationTypes.js';
import type { ImageGeometry } from './ImageGeometry.js';

/** The least IoU at which a prediction counts as confused with another category's ground truth. */
const CONFUSION_IOU = 0.5;

interface Outcome<O> {
  outcome: O;
  matched: number | null;
  iou: number | null;
}

/**
 * Each prediction's and ground truth's fate at two IoU thresholds (area all),
 * read from the categories' `evaluateImg` the way `accumulate` reads it: a
 * prediction is `ignored` when dtIgnore is set (matched to a crowd or an
 * ignored gt, outside the area range, past maxDets, or of a category not
 * evaluated), `tp` when matched (dtMatches != 0), else `fp`; a ground truth is
 * `ignored` (crowd), `tp` or `fn`. An fp at the first threshold also gets the
 * non-crowd ground truth of another category it overlaps most, if at least 0.5.
 * Both lists come in the order of `input.dts` and `input.gts`: the writer
 * pairs outcome i with row i of the batch.
 * @param thresholds two indices into `iouThrs`: the `50` and `75` columns
 */
export function outcomeRows(
  input: EvalImageInput,
  evaluations: readonly CategoryEvaluation[],
  geometry: ImageGeometry,
  thresholds: readonly [number, number],
): { predictions: PredictionOutcomeRow[]; groundTruths: GroundTruthOutcomeRow[] } {
  const none = { outcome: 'ignored' as const, matched: null, iou: null };
  const dtOut: Outcome<PredictionOutcome>[][] = input.dts.map(() => [none, none]);
  const gtOut: Outcome<GroundTruthOutcome>[][] = input.gts.map(() => [none, none]);
  for (const { gts, dts, ious, byArea } of evaluations) {
    const all = byArea[0]!;
    const G = gts.length;
    const D = dts.length;
    thresholds.forEach((t, column) => {
      const gtMatch = new Array<number>(G).fill(-1);
      for (let d = 0; d < D; d++) {
        const m = all.dtMatchIndex[t * D + d]!;
        const ignoredHere = all.dtIgnore[t * D + d] === 1;
        const outcome: PredictionOutcome = ignoredHere ? 'ignored' : all.dtMatches[t * D + d] !== 0 ? 'tp' : 'fp';
        const matched = m < 0 ? null : input.gts[gts[m]!]!.rowId;
        dtOut[dts[d]!]![column] = { outcome, matched, iou: m < 0 ? null : ious![d * G + m]! };
        if (m >= 0) gtMatch[m] = d;
      }
      for (let j = 0; j < G; j++) {
        const g = all.gtOrder[j]!;
        const d = gtMatch[g]!;
        const outcome: GroundTruthOutcome = all.gtIgnore[j] ? 'ignored' : all.gtMatches[t * G + j] !== 0 ? 'tp' : 'fn';
        gtOut[gts[g]!]![column] = { outcome, matched: d < 0 ? null : input.dts[dts[d]!]!.rowId, iou: d < 0 ? null : ious![d * G + g]! };
      }
    });
  }
  const predictions = input.dts.map((dt, d): PredictionOutcomeRow => {
    const [a, b] = dtOut[d]!;
    const confusion = a!.outcome === 'fp' ? confusedWith(input, geometry, d) : null;
    return {
      rowId: dt.rowId,
      outcome50: a!.outcome,
      matched50: a!.matched,
      iou50: a!.iou,
      outcome75: b!.outcome,
      matched75: b!.matched,
      iou75: b!.iou,
      confusedWith: confusion === null ? null : confusion.rowId,
      confusedIou: confusion === null ? null : confusion.iou,
    };
  });
  const groundTruths = input.gts.map((gt, g): GroundTruthOutcomeRow => {
    const [a, b] = gtOut[g]!;
    return { rowId: gt.rowId, outcome50: a!.outcome, matched50: a!.matched, iou50: a!.iou, outcome75: b!.outcome, matched75: b!.matched, iou75: b!.iou };
  });
  return { predictions, groundTruths };
}

/** The non-crowd ground truth of another category the prediction overlaps most, if at least 0.5 (first wins ties). */
function confusedWith(input: EvalImageInput, geometry: ImageGeometry, d: number): { rowId: number; iou: number } | null {
  const categoryId = input.dts[d]!.categoryId;
  let best: { rowId: number; iou: number } | null = null;
  input.gts.forEach((gt, g) => {
    if (gt.iscrowd || gt.categoryId === categoryId) return;
    let iou: number;
    try {
      iou = geometry.iou(d, g);
    } catch (err) {
      // A ground truth COCOeval never compares with this prediction (no box, mask or keypoints of the kind scored) is no confusion, not a failure.
      if (err instanceof EvaluationInputError) return;
      throw err;
    }
    if (iou >= CONFUSION_IOU && (best === null || iou > best.iou)) best = { rowId: gt.rowId, iou };
  });
  return best;
}

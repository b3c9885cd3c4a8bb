import { CONFUSION_CELLS_SQL, confusionCellsParams } from './evaluationConfusionSql.js';
import type { SqlParam } from './SqlParam.js';

/** What `GET /samples` may ask of an evaluation. */
export interface EvaluationSampleFilter {
  /** The evaluation the other fields are about. */
  evaluation?: string | undefined;
  /** Images with at least one true positive, false positive or miss at IoU 0.5 (of the category, if one is given). */
  outcome?: 'tp' | 'fp' | 'fn' | undefined;
  /** `[a, b]`: images where evaluation `b` makes more errors (fp + fn at IoU 0.5) than `a`. */
  regressed?: [string, string] | undefined;
  /** A cell of the confusion matrix: (ground-truth category id, predicted category id), null for the background. */
  confusion?: [number | null, number | null] | undefined;
  /** The confusion matrix's score threshold; default 0. */
  confusionMinScore?: number | undefined;
}

type Params = SqlParam[];

/**
 * `outcome=`: a semi-join on the evaluation's per-image counters (one small
 * row per image) when no category is asked, on its outcome rows otherwise.
 */
export function outcomeFilterSql(f: EvaluationSampleFilter, categoryId: number | null, dataset: bigint, where: string[], params: Params): void {
  if (f.outcome === undefined || f.evaluation === undefined) return;
  if (categoryId === null) {
    where.push(`s.id IN (SELECT sample_id FROM evaluation_images WHERE dataset_id = ? AND evaluation = ? AND ${f.outcome} > 0)`);
    params.push(dataset, f.evaluation);
    return;
  }
  const table = f.outcome === 'fn' ? 'evaluation_ground_truths' : 'evaluation_predictions';
  where.push(`s.id IN (SELECT sample_id FROM ${table} WHERE dataset_id = ? AND evaluation = ? AND outcome50 = ? AND category_id = ?)`);
  params.push(dataset, f.evaluation, f.outcome, BigInt(categoryId));
}

/** `regressed=a,b`: images whose errors at IoU 0.5 are more in `b` than in `a`. */
export function regressedFilterSql(f: EvaluationSampleFilter, dataset: bigint, where: string[], params: Params): void {
  if (f.regressed === undefined) return;
  where.push(`s.id IN (SELECT eb.sample_id FROM evaluation_images eb JOIN evaluation_images ea ON ea.sample_id = eb.sample_id
     WHERE ea.dataset_id = ? AND ea.evaluation = ? AND eb.dataset_id = ? AND eb.evaluation = ? AND eb.errors > ea.errors)`);
  params.push(dataset, f.regressed[0], dataset, f.regressed[1]);
}

/** `confusion=gt,pred`: the images holding an entry of that cell of the confusion matrix (`evaluationConfusionSql.ts`). */
export function confusionFilterSql(f: EvaluationSampleFilter, dataset: bigint, where: string[], params: Params): void {
  if (f.confusion === undefined || f.evaluation === undefined) return;
  where.push(`s.id IN (SELECT sample_id FROM (${CONFUSION_CELLS_SQL}) WHERE gt_category IS NOT DISTINCT FROM ? AND pred_category IS NOT DISTINCT FROM ?)`);
  params.push(...confusionCellsParams(Number(dataset), f.evaluation, f.confusionMinScore ?? 0), ...f.confusion.map((c) => (c === null ? null : BigInt(c))));
}

/** `sort=errors`: the join that gives each sample its errors in the evaluation (0 for an image without a row), and its parameters. */
export function errorsJoinSql(dataset: bigint, evaluation: string): { join: string; params: Params } {
  return {
    join: 'LEFT JOIN evaluation_images e ON e.sample_id = s.id AND e.dataset_id = ? AND e.evaluation = ?',
    params: [dataset, evaluation],
  };
}

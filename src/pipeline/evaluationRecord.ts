import type { EvaluationFiguresRow } from '../db/EvaluationRepository.js';
import { evaluationParams } from '../evaluation/evaluationParams.js';
import type { EvaluationFigures } from '../evaluation/evaluationTypes.js';
import type { CategoryCounts } from './EvaluationWriter.js';

/** pycocotools' 101 recall thresholds (`np.linspace(.0, 1.00, 101)`), the x of every PR curve. */
export const RECALL_POINTS: readonly number[] = Array.from(evaluationParams('bbox').recThrs);

/**
 * An evaluation's stored figures: the summary, each category's APs with its
 * counts at IoU 0.5, and its precision-recall curves at IoU 0.5 and 0.75.
 */
export function evaluationRecord(
  figures: EvaluationFigures,
  categories: readonly { id: number; name: string }[],
  counts: ReadonlyMap<number, CategoryCounts>,
  durationMs: number,
): EvaluationFiguresRow {
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const none: CategoryCounts = { gt: 0, predictions: 0, tp: 0, fp: 0, fn: 0 };
  return {
    summary: figures.summary,
    stats: figures.stats,
    perCategory: figures.perCategory.map((c) => ({
      category_id: c.categoryId,
      name: names.get(c.categoryId) ?? String(c.categoryId),
      AP: c.AP,
      AP50: c.AP50,
      AP75: c.AP75,
      AR100: c.AR100,
      ...(counts.get(c.categoryId) ?? none),
    })),
    prCurves: figures.perCategory.flatMap((c) => [
      { category_id: c.categoryId, iou: 0.5, recall: RECALL_POINTS, precision: c.precision50 },
      { category_id: c.categoryId, iou: 0.75, recall: RECALL_POINTS, precision: c.precision75 },
    ]),
    durationMs,
  };
}

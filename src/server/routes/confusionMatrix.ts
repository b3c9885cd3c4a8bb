import type { EvaluationRepository } from '../../db/EvaluationRepository.js';

/** `confusion` of `GET /datasets/{id}/evaluations/{name}`. */
export interface ConfusionMatrix {
  iou: 0.5;
  min_score: number;
  categories: { id: number; name: string }[];
  /** (categories + 1)²: rows the ground truth's class, columns the predicted class, the last of each the background. */
  matrix: number[][];
}

/** The evaluation's confusion matrix at IoU 0.5 for predictions scored `minScore` or above (definition: `evaluationConfusionSql.ts`). */
export async function confusionMatrix(evaluations: EvaluationRepository, datasetId: number, name: string, minScore: number): Promise<ConfusionMatrix> {
  const [categories, counts] = await Promise.all([evaluations.categories(datasetId), evaluations.confusionCounts(datasetId, name, minScore)]);
  const index = new Map(categories.map((c, i) => [c.id, i]));
  const background = categories.length;
  const matrix = Array.from({ length: background + 1 }, () => new Array<number>(background + 1).fill(0));
  for (const cell of counts) {
    const row = cell.gt === null ? background : index.get(cell.gt);
    const column = cell.pred === null ? background : index.get(cell.pred);
    if (row !== undefined && column !== undefined) matrix[row]![column]! += cell.n;
  }
  return { iou: 0.5, min_score: minScore, categories: categories.map((c) => ({ id: c.id, name: c.name })), matrix };
}

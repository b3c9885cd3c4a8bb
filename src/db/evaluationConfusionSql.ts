/**
 * The cells of an evaluation's confusion matrix at IoU 0.5, one row per
 * counted prediction or missed ground truth: `(sample_id, gt_category,
 * pred_category)`, null standing for the background. Parameters, in order:
 * dataset id, evaluation, min score, dataset id, evaluation, min score.
 *
 * - a prediction scored at `min_score` or above that is a true positive: (its class, its class);
 * - a false positive overlapping a ground truth of another class (`confused_with`): (that class, its class);
 * - any other false positive: (background, its class);
 * - a ground truth missed (a false negative, or matched only by a prediction
 *   under `min_score`) that is not the `confused_with` of a counted
 *   prediction: (its class, background).
 *
 * Ignored predictions and ground truths (crowd regions) are in no cell.
 */
export const CONFUSION_CELLS_SQL = `
  WITH counted AS (
    SELECT * FROM evaluation_predictions
    WHERE dataset_id = ? AND evaluation = ? AND score >= ? AND outcome50 <> 'ignored'
  ),
  ground AS (SELECT * FROM evaluation_ground_truths WHERE dataset_id = ? AND evaluation = ? AND outcome50 <> 'ignored')
  SELECT p.sample_id,
         CASE WHEN p.outcome50 = 'tp' THEN p.category_id ELSE g.category_id END AS gt_category,
         p.category_id AS pred_category
  FROM counted p LEFT JOIN ground g ON p.outcome50 = 'fp' AND g.annotation_id = p.confused_with
  UNION ALL
  SELECT g.sample_id, g.category_id AS gt_category, NULL AS pred_category
  FROM ground g LEFT JOIN evaluation_predictions m
    ON m.dataset_id = g.dataset_id AND m.evaluation = g.evaluation AND m.prediction_id = g.matched50
  WHERE (g.outcome50 = 'fn' OR m.score < ?)
    AND g.annotation_id NOT IN (SELECT confused_with FROM counted WHERE outcome50 = 'fp' AND confused_with IS NOT NULL)`;

/** The parameters of {@link CONFUSION_CELLS_SQL}. */
export function confusionCellsParams(datasetId: number, evaluation: string, minScore: number): (bigint | string | number)[] {
  const dataset = BigInt(datasetId);
  return [dataset, evaluation, minScore, dataset, evaluation, minScore];
}

import type { Database } from './Database.js';
import type { Row } from './toPlainRows.js';

/** Whose outcomes: the ground truth's or the predictions'. */
export interface OutcomeSource {
  datasetId: number;
  evaluation: string;
  of: 'ground_truths' | 'predictions';
  iou: 0.5 | 0.75;
}

/**
 * One sample's annotations or predictions, each with its `eval`: its outcome
 * at the IoU threshold (`tp`, `fp`, `fn` or `ignored`), the IoU with what it
 * matched, and that row's id; null for an item the evaluation did not score.
 */
export async function withOutcomes(db: Database, items: Row[], source: OutcomeSource): Promise<Row[]> {
  if (items.length === 0) return items;
  const ids = items.map((item) => BigInt(Number(item.id)));
  const suffix = source.iou === 0.5 ? '50' : '75';
  const idColumn = source.of === 'predictions' ? 'prediction_id' : 'annotation_id';
  const rows = await db.query(
    `SELECT ${idColumn} AS id, outcome${suffix} AS outcome, iou${suffix} AS iou, matched${suffix} AS matched_id
     FROM evaluation_${source.of} WHERE dataset_id = ? AND evaluation = ? AND ${idColumn} IN (${ids.map(() => '?').join(', ')})`,
    [BigInt(source.datasetId), source.evaluation, ...ids],
  );
  const byId = new Map(rows.map((r) => [Number(r.id), { outcome: r.outcome, iou: r.iou, matched_id: r.matched_id }]));
  return items.map((item) => ({ ...item, eval: byId.get(Number(item.id)) ?? null }));
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { toPlainRows } from '../db/toPlainRows.js';
import { notFound } from '../errors.js';
import { streamJsonRows } from './streamJsonRows.js';

/**
 * Checks that the prediction set exists (ready), inside the export's snapshot.
 * @throws AppError `NOT_FOUND` otherwise.
 */
export async function checkPredictionSet(conn: DuckDBConnection, datasetId: number, name: string): Promise<void> {
  const [set] = toPlainRows(
    await conn.runAndReadAll(`SELECT 1 AS found FROM prediction_sets WHERE dataset_id = ? AND name = ? AND status = 'ready'`, [BigInt(datasetId), name]),
  );
  if (!set) throw notFound(`prediction set of dataset ${datasetId}`, name);
}

/**
 * A prediction set as a COCO results file (a JSON array), each result as it was
 * loaded: known columns merged into its `extra` fields, absent ones left out,
 * in file order.
 */
export async function* exportPredictions(conn: DuckDBConnection, datasetId: number, name: string): AsyncGenerator<string> {
  yield '[';
  yield* streamJsonRows(
    conn,
    `SELECT json_merge_patch(coalesce(extra, '{}'), json_object(
       'id', coco_id, 'image_id', image_coco_id, 'category_id', category_id,
       'bbox', CASE WHEN bbox_x IS NULL THEN NULL ELSE json_array(bbox_x, bbox_y, bbox_w, bbox_h) END,
       'score', score, 'area', area, 'segmentation', segmentation, 'keypoints', keypoints, 'caption', caption))::VARCHAR
     FROM predictions WHERE dataset_id = ${datasetId} AND set_name = '${name.replaceAll("'", "''")}'
     ORDER BY record_index, id`,
  );
  yield ']';
}

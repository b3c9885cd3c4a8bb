import type { DuckDBConnection } from '@duckdb/node-api';
import { toPlainRows } from '../db/toPlainRows.js';
import { conflict, invalidRequest, notFound } from '../errors.js';

/** One split of an export: its complete ingest job, with the file's format, `info` and `licenses` (JSON text). */
export interface ExportSplit {
  name: string;
  jobId: string;
  format: string;
  info: string | null;
  licenses: string | null;
}

/** What an export covers: the splits (their ingest jobs) and an optional category. */
export interface ExportScope {
  datasetId: number;
  datasetName: string;
  /** The exported splits, oldest first. */
  splits: ExportSplit[];
  /** The category whose images (with all their annotations) are kept; null keeps every image. */
  categoryId: number | null;
}

/**
 * Resolves `split` and `category` (by name) on `conn`, inside the export's snapshot.
 * @throws AppError `NOT_FOUND` for an unknown dataset, split or category; `CONFLICT`
 *   (409) when nothing is complete yet because an ingest of the dataset is running.
 */
export async function resolveExportScope(
  conn: DuckDBConnection,
  datasetId: number,
  options: { split?: string | undefined; category?: string | undefined },
): Promise<ExportScope> {
  const [dataset] = toPlainRows(await conn.runAndReadAll('SELECT name FROM datasets WHERE id = ?', [BigInt(datasetId)]));
  if (!dataset) throw notFound('dataset', datasetId);
  const splits = toPlainRows(
    await conn.runAndReadAll(
      `SELECT split AS name, id AS job_id, result->>'format' AS format, info::VARCHAR AS info, licenses::VARCHAR AS licenses
       FROM jobs WHERE dataset_id = ? AND kind = 'ingest' AND status = 'complete' ORDER BY finished_at`,
      [BigInt(datasetId)],
    ),
  ).map((s) => ({
    name: String(s.name),
    jobId: checkedJobId(String(s.job_id)),
    format: String(s.format ?? 'instances'),
    info: s.info as string | null,
    licenses: s.licenses as string | null,
  }));
  const chosen = options.split === undefined ? splits : splits.filter((s) => s.name === options.split);
  if (chosen.length === 0) {
    // Nothing to export yet because it is still being ingested: the dataset's state, not the request, is wrong.
    const running = await runningIngest(conn, datasetId, options.split);
    const what = options.split === undefined ? 'has no complete split yet' : `has no complete split ${JSON.stringify(options.split)} yet`;
    if (running) throw conflict(`dataset ${datasetId} ${what}: its ${running.kind} (job ${running.id}) is still running; export it once it is complete`);
    if (options.split !== undefined) throw notFound(`split of dataset ${datasetId}`, options.split);
    throw invalidRequest(`dataset ${datasetId} has no complete split to export`);
  }
  let categoryId: number | null = null;
  if (options.category !== undefined) {
    const [category] = toPlainRows(
      await conn.runAndReadAll('SELECT id FROM categories WHERE dataset_id = ? AND name = ?', [BigInt(datasetId), options.category]),
    );
    if (!category) throw notFound(`category of dataset ${datasetId}`, options.category);
    categoryId = Number(category.id);
  }
  return { datasetId, datasetName: String(dataset.name), splits: chosen, categoryId };
}

/** The dataset's queued or running upload, or ingest (of `split` when given), if any. */
async function runningIngest(conn: DuckDBConnection, datasetId: number, split: string | undefined): Promise<{ id: string; kind: string } | null> {
  const [running] = toPlainRows(
    await conn.runAndReadAll(
      `SELECT id, kind FROM jobs
       WHERE dataset_id = ? AND status IN ('queued', 'running') AND (kind = 'upload' OR (kind = 'ingest' AND (CAST(? AS VARCHAR) IS NULL OR split = CAST(? AS VARCHAR))))
       ORDER BY created_at LIMIT 1`,
      [BigInt(datasetId), split ?? null, split ?? null],
    ),
  );
  return running ? { id: String(running.id), kind: String(running.kind) } : null;
}

/** The SQL list of the scope's job ids, for `IN (...)`. */
export function jobList(scope: ExportScope): string {
  return scope.splits.map((s) => `'${s.jobId}'`).join(', ');
}

/** Job ids go into SQL text: they are the service's own UUIDs, checked anyway. */
function checkedJobId(id: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(id)) throw new Error(`unexpected job id ${id}`);
  return id;
}

/**
 * With a category subset, the condition keeping rows (aliased `x`, with a
 * `job_id`) of images that have at least one annotation of the category;
 * without one, nothing. `imageColumn` names the row's COCO image id. A
 * semi-join on a set built in one scan, as the sample filters are: a
 * correlated `EXISTS` per row costs a lookup per image.
 */
export function inSubset(scope: ExportScope, imageColumn: string): string {
  if (scope.categoryId === null) return '';
  return `AND (x.job_id, ${imageColumn}) IN (SELECT job_id, image_coco_id FROM annotations WHERE dataset_id = ${scope.datasetId} AND category_id = ${scope.categoryId})`;
}

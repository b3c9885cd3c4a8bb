import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type ExportScope, inSubset, jobList } from './ExportScope.js';

/** The tables `format=parquet` exports. */
export const PARQUET_TABLES = ['samples', 'annotations', 'categories', 'predictions'] as const;

/** One of {@link PARQUET_TABLES}. */
export type ParquetTable = (typeof PARQUET_TABLES)[number];

/**
 * Writes one table of the scope to a Parquet file with DuckDB's own writer
 * (zstd), under `dir`, and returns its path; the caller streams and removes it.
 * Categories are the dataset's; samples and annotations the scope's splits
 * (and category subset); predictions every set of the dataset.
 */
export async function exportParquet(conn: DuckDBConnection, scope: ExportScope, table: ParquetTable, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${scope.datasetId}-${table}-${randomBytes(6).toString('hex')}.parquet`);
  const select = {
    samples: `SELECT * FROM samples x WHERE x.job_id IN (${jobList(scope)}) ${inSubset(scope, 'x.coco_id')} ORDER BY x.id`,
    annotations: `SELECT * FROM annotations x WHERE x.job_id IN (${jobList(scope)}) ${inSubset(scope, 'x.image_coco_id')} ORDER BY x.id`,
    categories: `SELECT * FROM categories WHERE dataset_id = ${scope.datasetId} ORDER BY id`,
    predictions: `SELECT * FROM predictions WHERE dataset_id = ${scope.datasetId} ORDER BY id`,
  }[table];
  await conn.run(`COPY (${select}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
  return file;
}

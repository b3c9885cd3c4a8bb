import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TestServer } from './startTestServer.js';

/** A sample's hashes as the service's Parquet export of `samples` has them. */
export interface ExportedHashes {
  /** SHA-256 of the file, 64 hex digits; null when the image was never hashed. */
  content_hash: string | null;
  phash: bigint | null;
}

/**
 * The hashes of a dataset's samples by `file_name`, read from
 * `GET /datasets/{id}/export?format=parquet&table=samples` by a DuckDB of the
 * test's own: what the service's one writer committed, without opening its
 * database file, which the running service holds.
 */
export async function exportedHashes(server: TestServer, datasetId: number): Promise<Map<string, ExportedHashes>> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/export?format=parquet&table=samples`);
  if (response.status !== 200) throw new Error(`the export answered ${response.status}: ${await response.text()}`);
  const file = path.join(server.scratch, `samples-${randomUUID()}.parquet`);
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const rows = (await conn.runAndReadAll(`SELECT file_name, content_hash, phash FROM read_parquet('${file}')`)).getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.file_name), { content_hash: r.content_hash as string | null, phash: r.phash as bigint | null }]));
  } finally {
    conn.closeSync();
    instance.closeSync();
    await rm(file, { force: true });
  }
}

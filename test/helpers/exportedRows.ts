import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TestServer } from './startTestServer.js';

/**
 * A table of a dataset as `GET /datasets/{id}/export?format=parquet&table=…`
 * gives it, read back by a DuckDB of the test's own: what the service's one
 * writer committed, without opening its database file, which the running
 * service holds: `columns` of it, in `orderBy`'s order when given.
 */
export async function exportedRows(
  server: TestServer,
  datasetId: number,
  table: string,
  columns: string,
  orderBy?: string,
): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/export?format=parquet&table=${table}`);
  if (response.status !== 200) throw new Error(`the export answered ${response.status}: ${await response.text()}`);
  const file = path.join(server.scratch, `${table}-${randomUUID()}.parquet`);
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const order = orderBy === undefined ? '' : ` ORDER BY ${orderBy}`;
    return (await conn.runAndReadAll(`SELECT ${columns} FROM read_parquet('${file}')${order}`)).getRowObjectsJS();
  } finally {
    conn.closeSync();
    instance.closeSync();
    await rm(file, { force: true });
  }
}

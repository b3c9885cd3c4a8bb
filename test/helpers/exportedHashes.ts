import { exportedRows } from './exportedRows.js';
import type { TestServer } from './startTestServer.js';

/** A sample's hashes as the service's Parquet export of `samples` has them. */
export interface ExportedHashes {
  /** SHA-256 of the file, 64 hex digits; null when the image was never hashed. */
  content_hash: string | null;
  phash: bigint | null;
}

/** The hashes of a dataset's samples by `file_name`, from its Parquet export. */
export async function exportedHashes(server: TestServer, datasetId: number): Promise<Map<string, ExportedHashes>> {
  const rows = await exportedRows(server, datasetId, 'samples', 'file_name, content_hash, phash');
  return new Map(rows.map((r) => [String(r.file_name), { content_hash: r.content_hash as string | null, phash: r.phash as bigint | null }]));
}

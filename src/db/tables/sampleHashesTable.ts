import { big, type TableMapping } from './TableMapping.js';

/** One image's hashes as the workers return them, waiting for its transaction's end. */
export interface SampleHashRowIn {
  sampleId: number;
  jobId: string;
  /** SHA-256 of the file, 64 hex digits. */
  content: string;
  /** 64-bit perceptual hash, 16 hex digits. */
  perceptual: string;
}

/**
 * `sample_hashes`: hashes of a job's images on their way to `samples`. Images
 * come back from the workers after their sample row was appended, and DuckDB's
 * appender only appends; so a job appends its hashes here and, before it
 * commits, moves them into `samples.content_hash`/`samples.phash` with one
 * UPDATE and deletes them. Empty outside a running job's transaction.
 */
export const sampleHashesTable: TableMapping<SampleHashRowIn> = {
  table: 'sample_hashes',
  columns: [
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'content_hash', type: 'VARCHAR NOT NULL' },
    { name: 'phash', type: 'UBIGINT NOT NULL' },
  ],
  values: (h) => [big(h.sampleId), h.jobId, h.content, BigInt(`0x${h.perceptual}`)],
};

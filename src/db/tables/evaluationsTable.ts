import type { Row } from '../toPlainRows.js';
import { big, json, type ReadableTable } from './TableMapping.js';

/** An evaluation as its job records it when it starts (`running`); its figures are set by the commit that makes it `ready`. */
export interface EvaluationRowIn {
  datasetId: number;
  name: string;
  jobId: string;
  /** The prediction set evaluated. */
  predictions: string;
  iouType: string;
  split: string;
  /** The request's parameters (sigmas), as JSON. */
  params: Record<string, unknown>;
}

/**
 * `evaluations`: one row per COCO evaluation of a prediction set against a
 * split. A row is `running` while its job runs, `ready` once the commit that
 * appends its outcome rows set its figures, `failed` with `error` otherwise
 * (nothing else of it is kept then).
 */
export const evaluationsTable: ReadableTable<EvaluationRowIn> = {
  table: 'evaluations',
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'name', type: 'VARCHAR NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'predictions', type: 'VARCHAR NOT NULL' },
    { name: 'iou_type', type: 'VARCHAR NOT NULL' },
    { name: 'split', type: 'VARCHAR NOT NULL' },
    { name: 'status', type: 'VARCHAR NOT NULL' },
    { name: 'params', type: 'JSON' },
    { name: 'summary', type: 'JSON' },
    { name: 'stats', type: 'JSON' },
    { name: 'per_category', type: 'JSON' },
    { name: 'pr_curves', type: 'JSON' },
    { name: 'duration_ms', type: 'BIGINT' },
    { name: 'created_at', type: 'TIMESTAMP NOT NULL' },
    { name: 'error', type: 'VARCHAR' },
  ],
  values: (e) => [big(e.datasetId), e.name, e.jobId, e.predictions, e.iouType, e.split, 'running', json(e.params), null, null, null, null, null, null, null],
  shape: (row: Row) => ({
    name: row.name,
    predictions: row.predictions,
    iou_type: row.iou_type,
    split: row.split,
    status: row.status,
    job_id: row.job_id,
    created_at: row.created_at,
    duration_ms: row.duration_ms ?? null,
    summary: row.summary ?? null,
    ...(row.error === null || row.error === undefined ? {} : { error: row.error }),
  }),
};

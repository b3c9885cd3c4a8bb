import { jobCheckRowsSql } from '../qualityChecks.js';
import type { CounterTable } from './CounterTable.js';

/**
 * `check_hits`: per annotation check that looks at one split alone (the `job`
 * checks of `QUALITY_CHECKS`), the annotations that fail it, with their
 * samples. Only failures have rows, so `GET /datasets/{id}/checks` is a
 * grouping of a small table and `GET /samples?check=` a semi-join on it,
 * instead of parsing every polygon's JSON at each request (1.5 s at 100K
 * images). The commit parses them once, for all the checks.
 */
export const checkHitsTable: CounterTable = {
  table: 'check_hits',
  source: 'ingest',
  sliced: true,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'check_name', type: 'VARCHAR NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'row_id', type: 'BIGINT NOT NULL' },
  ],
  select: (jobIs, images) => jobCheckRowsSql(jobIs, images),
};

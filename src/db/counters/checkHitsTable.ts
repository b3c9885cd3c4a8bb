import { CHECK_FLAGS_FROM_JSON_SQL, jobCheckRowsSql } from '../qualityChecks.js';
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

/**
 * `check_hits` as a migration fills it for splits stored before
 * `annotations.check_flags`: the same checks, with what each annotation fails
 * alone worked out from its stored JSON. Their rows keep a NULL `check_flags`
 * (an UPDATE of millions of rows ran DuckDB out of its 128 MB), and nothing
 * fills their `check_hits` again.
 */
export const checkHitsFromJsonTable: CounterTable = {
  ...checkHitsTable,
  select: (jobIs, images) => jobCheckRowsSql(jobIs, images, `(${CHECK_FLAGS_FROM_JSON_SQL})`),
};

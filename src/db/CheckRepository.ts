import { notFound } from '../errors.js';
import type { Database } from './Database.js';
import { type CheckUnit, checkRowsSql, QUALITY_CHECKS } from './qualityChecks.js';

/** One check's outcome, as `GET /datasets/{id}/checks` shows it. */
export interface CheckResult {
  name: string;
  description: string;
  unit: CheckUnit;
  /** Offending annotations, images or categories. */
  count: number;
  /** The first few samples concerned (none for categories). */
  sample_ids: number[];
  /** The first few offending rows' ids (annotation, sample or category ids). */
  ids: number[];
}

/** How many sample ids and row ids a check shows. */
export const CHECK_EXAMPLES = 5;

/** The annotation checks over a dataset's stored rows ({@link QUALITY_CHECKS}). */
export class CheckRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Every check of a dataset, in order. @throws AppError `NOT_FOUND`. */
  async run(datasetId: number): Promise<CheckResult[]> {
    const [dataset] = await this.#db.query('SELECT 1 FROM datasets WHERE id = ?', [BigInt(datasetId)]);
    if (!dataset) throw notFound('dataset', datasetId);
    const results: CheckResult[] = [];
    // Each reads what the commits kept (check_hits, the counter tables): no polygon is parsed here.
    for (const check of QUALITY_CHECKS) {
      const [row] = await this.#db.query(
        `WITH offending AS MATERIALIZED (${checkRowsSql(check, datasetId)})
         SELECT (SELECT count(*) FROM offending) AS count,
           (SELECT coalesce(list(sample_id ORDER BY sample_id), []) FROM (SELECT DISTINCT sample_id FROM offending WHERE sample_id IS NOT NULL ORDER BY sample_id LIMIT ${CHECK_EXAMPLES})) AS sample_ids,
           (SELECT coalesce(list(row_id ORDER BY row_id), []) FROM (SELECT row_id FROM offending ORDER BY row_id LIMIT ${CHECK_EXAMPLES})) AS ids`,
      );
      results.push({
        name: check.name,
        description: check.description,
        unit: check.unit,
        count: Number(row!.count),
        sample_ids: (row!.sample_ids as unknown[]).map(Number),
        ids: (row!.ids as unknown[]).map(Number),
      });
    }
    return results;
  }
}

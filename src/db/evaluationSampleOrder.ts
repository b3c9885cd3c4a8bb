import { AppError, invalidRequest } from '../errors.js';
import type { EvaluationRepository } from './EvaluationRepository.js';
import { type EvaluationSampleFilter, errorsJoinSql } from './evaluationSampleFilters.js';

type Params = (bigint | string | number | boolean | null)[];

/** What of a sample query the order reads. */
export interface OrderedQuery extends EvaluationSampleFilter {
  datasetId: number;
  sort?: 'id' | 'errors' | undefined;
  afterId?: number | undefined;
  afterErrors?: number | undefined;
}

/** How a page of samples is ordered and where it starts. */
export interface SampleOrder {
  /** Extra selected column (`, errors`), or empty. */
  select: string;
  join: string;
  joinParams: Params;
  /** The keyset condition (` AND ...`), or empty. */
  after: string;
  afterParams: Params;
  orderBy: string;
}

/**
 * By id (the default), or with `sort=errors` by the sample's errors in the
 * evaluation (fp + fn at IoU 0.5, from its per-image counters), worst first,
 * ties by id: the keyset after a page is then the pair (errors, id).
 */
export function sampleOrderSql(q: OrderedQuery): SampleOrder {
  if (q.sort !== 'errors' || q.evaluation === undefined) {
    return {
      select: '',
      join: '',
      joinParams: [],
      after: q.afterId === undefined ? '' : ' AND s.id > ?',
      afterParams: q.afterId === undefined ? [] : [BigInt(q.afterId)],
      orderBy: 's.id',
    };
  }
  const errors = 'coalesce(e.errors, 0)';
  const { join, params } = errorsJoinSql(BigInt(q.datasetId), q.evaluation);
  const keyed = q.afterId !== undefined && q.afterErrors !== undefined;
  return {
    select: `, ${errors} AS errors`,
    join,
    joinParams: params,
    after: keyed ? ` AND (${errors} < ? OR (${errors} = ? AND s.id > ?))` : '',
    afterParams: keyed ? [q.afterErrors!, q.afterErrors!, BigInt(q.afterId!)] : [],
    orderBy: `${errors} DESC, s.id`,
  };
}

/**
 * Checks a list's evaluation conditions before it runs: the evaluations are
 * `ready` (404 otherwise), `regressed` compares two of the same split and IoU
 * type (409), and what needs an evaluation has one.
 */
export async function checkEvaluationFilter(evaluations: EvaluationRepository, q: OrderedQuery): Promise<void> {
  const needsOne = q.outcome !== undefined || q.confusion !== undefined || q.sort === 'errors';
  if (needsOne && q.evaluation === undefined)
    throw invalidRequest('invalid query: evaluation: outcome, confusion and sort=errors need evaluation=<name>', { fields: ['evaluation'] });
  if (q.evaluation !== undefined) await evaluations.getReady(q.datasetId, q.evaluation);
  if (q.regressed === undefined) return;
  const [a, b] = await Promise.all(q.regressed.map((name) => evaluations.getReady(q.datasetId, name)));
  assertComparable(a!, b!);
}

/** @throws AppError `EVALUATION_MISMATCH` (409) when two evaluations are not of the same split and IoU type. */
export function assertComparable(a: Record<string, unknown>, b: Record<string, unknown>): void {
  if (a.split !== b.split || a.iou_type !== b.iou_type) {
    throw new AppError(
      'EVALUATION_MISMATCH',
      `evaluations "${String(a.name)}" (${String(a.split)}, ${String(a.iou_type)}) and "${String(b.name)}" (${String(b.split)}, ${String(b.iou_type)}) are not of the same split and iou_type`,
    );
  }
}

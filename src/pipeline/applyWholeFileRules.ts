import type { DuckDBConnection } from '@duckdb/node-api';
import type { RuleScope, WholeFileRule } from '../formats/AnnotationFormat.js';
import { toPlainRows } from '../db/toPlainRows.js';
import { invalidAnnotations } from '../errors.js';
import type { CocoSection } from '../formats/records.js';

/**
 * Called for each record skipped under `on_invalid: "skip"`, with the message a
 * strict ingest would have failed with (null past the first few of one rule: counted, not described).
 */
export type SkipHandler = (section: CocoSection, message: string | null) => void;

/** Violations of one rule named one by one when skipping; the rest are only counted. */
const SKIP_REPORTED = 20;

/**
 * Applies a format's whole-file rules to one ingest's rows, inside its
 * transaction. Strict (no `onSkip`): the first violation in file order fails.
 * Skipping: the first few violations of each rule are described, all are
 * counted and their rows deleted.
 * @returns how many rows each table lost
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the first offending record
 */
export async function applyWholeFileRules(
  conn: DuckDBConnection,
  jobId: string,
  rules: readonly WholeFileRule[],
  scope: RuleScope,
  onSkip: SkipHandler | null,
): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const rule of rules) {
    const violations = rule.violations(scope);
    if (violations === null) continue;
    const first = toPlainRows(
      await conn.runAndReadAll(`${violations} ORDER BY record_index, id LIMIT ${onSkip ? SKIP_REPORTED : 1}`, [jobId]),
    );
    if (first.length === 0) continue;
    if (!onSkip) throw invalidAnnotations(rule.describe(first[0]!, scope));
    const total = toPlainRows(await conn.runAndReadAll(`SELECT count(*) AS n FROM (${violations})`, [jobId]))[0]!;
    await conn.run(`DELETE FROM ${rule.table} WHERE job_id = $1 AND id IN (SELECT id FROM (${violations}))`, [jobId]);
    const count = Number(total.n);
    removed[rule.table] = (removed[rule.table] ?? 0) + count;
    for (let i = 0; i < count; i++) onSkip(rule.section, i < first.length ? rule.describe(first[i]!, scope) : null);
  }
  return removed;
}

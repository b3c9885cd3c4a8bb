import type { IngestRepository } from '../db/IngestRepository.js';
import { invalidAnnotations } from '../errors.js';
import type { RuleScope, WholeFileRule } from '../formats/AnnotationFormat.js';
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
 * transaction (the repository runs each rule's query). Strict (no `onSkip`): the first violation in file order fails.
 * Skipping: the first few violations of each rule are described, all are
 * counted and their rows deleted.
 * @returns how many rows each table lost
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the first offending record
 */
export async function applyWholeFileRules(
  repository: IngestRepository,
  jobId: string,
  rules: readonly WholeFileRule[],
  scope: RuleScope,
  onSkip: SkipHandler | null,
): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const rule of rules) {
    const sql = rule.violations(scope);
    if (sql === null) continue;
    const query = { table: rule.table, sql };
    const first = await repository.firstViolations(query, jobId, onSkip ? SKIP_REPORTED : 1);
    if (first.length === 0) continue;
    if (!onSkip) throw invalidAnnotations(rule.describe(first[0]!, scope));
    const count = await repository.deleteViolations(query, jobId);
    removed[rule.table] = (removed[rule.table] ?? 0) + count;
    for (let i = 0; i < count; i++) onSkip(rule.section, i < first.length ? rule.describe(first[i]!, scope) : null);
  }
  return removed;
}

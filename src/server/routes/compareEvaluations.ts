import type { Row } from '../../db/toPlainRows.js';

/** How far `b` is from `a`; null when either is -1, pycocotools' "no ground truth", which is no number to subtract. */
const difference = (a: number, b: number): number | null => (a === -1 || b === -1 ? null : b - a);

/**
 * `GET /datasets/{id}/evaluations/compare`: each summary number and each
 * category's AP of `a` and `b` side by side, with `b - a`.
 */
export function compareEvaluations(a: Row, b: Row): Record<string, unknown> {
  const statsA = (a.stats ?? {}) as Record<string, number>;
  const statsB = (b.stats ?? {}) as Record<string, number>;
  const perA = new Map(((a.per_category ?? []) as Row[]).map((c) => [Number(c.category_id), c]));
  const perB = (b.per_category ?? []) as Row[];
  return {
    a: a.name,
    b: b.name,
    summary: Object.keys(statsA).map((name) => ({ name, a: statsA[name], b: statsB[name], diff: difference(statsA[name]!, statsB[name]!) })),
    per_category: perB.map((cb) => {
      const ca = perA.get(Number(cb.category_id));
      const apA = Number(ca?.AP ?? -1);
      const apB = Number(cb.AP);
      return { category_id: cb.category_id, name: cb.name, a: apA, b: apB, diff: difference(apA, apB) };
    }),
  };
}

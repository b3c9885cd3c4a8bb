import { expect } from 'chai';
import fc from 'fast-check';
import { orderByScore } from '../../src/evaluation/orderByScore.js';

/** numpy's `argsort(-scores, kind='mergesort')`: descending, stable, -0 equal to 0. */
function mergesortOrder(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => (scores[b]! > scores[a]! ? 1 : scores[b]! < scores[a]! ? -1 : 0));
}

describe('orderByScore', () => {
  // Large enough for the radix path, with few distinct values so that ties are everywhere.
  const score = fc.oneof(
    fc.integer({ min: 0, max: 20 }).map((s) => s / 20),
    fc.constantFrom(-0, 0, -1.5, 1e-300, -1e-300, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE),
    fc.double({ noNaN: true }),
  );

  it("orders like numpy's stable argsort of -scores in the radix path: ties in index order, -0 equal to 0, infinities and negatives", () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 20_000, maxLength: 30_000 }), (scores) => {
        expect([...orderByScore(Float64Array.from(scores))]).to.deep.equal(mergesortOrder(scores));
      }),
      { numRuns: 12 },
    );
  });

  it("orders like numpy's stable argsort of -scores in the comparison path", () => {
    fc.assert(
      fc.property(fc.array(score, { maxLength: 200 }), (scores) => {
        expect([...orderByScore(Float64Array.from(scores))]).to.deep.equal(mergesortOrder(scores));
      }),
      { numRuns: 300 },
    );
  });
});

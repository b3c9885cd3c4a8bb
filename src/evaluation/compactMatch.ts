import type { CategoryEvaluation } from './evaluateCategories.js';
import type { CategoryImageMatch } from './evaluationTypes.js';

/**
 * What the accumulator needs of one category of an image, in bits: per area
 * range, per detection, bit t set when matched (dtMatches != 0, so a gt with
 * COCO id 0 reads as unmatched, as in `accumulate`) and when ignored.
 */
export function compactMatch(e: CategoryEvaluation, T: number): CategoryImageMatch {
  const D = e.dts.length;
  const matched: number[][] = [];
  const ignored: number[][] = [];
  for (const area of e.byArea) {
    const m = new Array<number>(D).fill(0);
    const ig = new Array<number>(D).fill(0);
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        if (area.dtMatches[t * D + d] !== 0) m[d]! |= 1 << t;
        if (area.dtIgnore[t * D + d]) ig[d]! |= 1 << t;
      }
    }
    matched.push(m);
    ignored.push(ig);
  }
  const notIgnored = e.byArea.map((area) => area.gtIgnore.reduce((n, v) => n + (v === 0 ? 1 : 0), 0));
  return { categoryId: e.categoryId, scores: e.scores, notIgnored, matched, ignored };
}

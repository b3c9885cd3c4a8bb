import { pairwiseSum } from './pairwiseSum.js';

/**
 * `np.mean(s[s > -1])`, or -1 when no entry is defined: COCOeval's summary of
 * a precision or recall selection (given in C order), summed as numpy sums.
 */
export function meanOfDefined(values: ArrayLike<number>): number {
  const kept = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > -1) kept[n++] = values[i]!;
  return n === 0 ? -1 : pairwiseSum(kept, 0, n) / n;
}

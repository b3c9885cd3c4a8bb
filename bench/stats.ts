/** The spread of a figure over repeated runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every run's value, in run order. */
  values: number[];
}

/** Median, min and max of `values` (at least one); the median of an even count is the mean of the middle two. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values: [...values] };
}

/** The nearest-rank `p`-th percentile (0-100) of `values` (at least one). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The ratio `numerator[i] ÷ denominator[i]` of every round of an alternated
 * pair of steps, summarised: a target compares the median of these, never the
 * ratio of two medians, which can pair one side's best round with the other's
 * worst and pass on a comparison no round made.
 */
export function roundRatios(numerator: readonly number[], denominator: readonly number[]): Summary {
  if (numerator.length !== denominator.length) throw new Error(`roundRatios: ${numerator.length} rounds against ${denominator.length}`);
  return summarize(numerator.map((value, i) => value / denominator[i]!));
}

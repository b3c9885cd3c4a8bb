/** Named steps of one round; each gets the round number (1-based). */
export type Steps = Record<string, (round: number) => Promise<unknown>>;

/** Each step's results, one per round, in round order. */
export type StepResults<S extends Steps> = { [K in keyof S]: Awaited<ReturnType<S[K]>>[] };

/**
 * Runs every step once per round for `rounds` rounds, odd rounds in the order
 * given and even rounds reversed (A, B, B, A, A, B, ...), so that a machine
 * that gets slower or faster during the bench (a noisy neighbour, thermal
 * throttling, a warm page cache) affects every step alike rather than
 * whichever happened to run last, and no step always runs right after the
 * same one (a pair compared round by round would otherwise carry that
 * position's bias in every round's ratio).
 */
export async function alternate<S extends Steps>(rounds: number, steps: S): Promise<StepResults<S>> {
  const results = Object.fromEntries(Object.keys(steps).map((name) => [name, [] as unknown[]])) as Record<string, unknown[]>;
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? Object.entries(steps) : Object.entries(steps).reverse();
    for (const [name, step] of order) results[name]!.push(await step(round));
  }
  return results as StepResults<S>;
}

/**
 * Awaits every promise, then throws the first rejection in the order given, or
 * returns every value: work started together, its errors told as if it had run
 * in turn, and nothing still running once the caller has its answer.
 * @throws the reason of the first rejected promise, in the order given
 */
export async function allInOrder<T extends readonly unknown[] | []>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

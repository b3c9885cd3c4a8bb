/**
 * Iterates `source` one item ahead: the next item is asked for as soon as the
 * current one is handed out, so its work (a query running on DuckDB's own
 * threads) overlaps the consumer's. Ending early (break, throw) waits for the
 * item in flight and closes the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  let done = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        done = true;
        return;
      }
      next = iterator.next();
      // Awaited on the next turn or in `finally`; marked handled so an early failure is not reported as unhandled.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    if (!done) {
      await next.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

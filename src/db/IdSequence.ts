/**
 * Hands out increasing integer ids. The main thread is the only writer, so an
 * in-memory counter seeded from `MAX(id)` at start-up is all the coordination
 * ids need, and it lets the appender write them without a round trip.
 */
export class IdSequence {
  #next: number;

  /** @param last the largest id already used (0 for none). */
  constructor(last: number) {
    this.#next = last + 1;
  }

  /** The next id. */
  next(): number {
    return this.#next++;
  }
}

/** Where an answer's bytes fall in the read they continue. */
export interface AnswerPosition {
  /** Bytes that come again before the ones wanted (a whole answer to a ranged request): dropped. */
  skip: number;
  /** The read's offset when the answer starts giving wanted bytes. */
  offset: number;
  /** The last byte wanted (inclusive), or null for the object's end. */
  end: number | null;
  /** Called as each chunk arrives, dropped ones included: the caller's stall timer. */
  onArrival: () => void;
}

/**
 * The wanted bytes of one answer of a resumable read: what comes again is
 * dropped, and the answer is cut at the range's end (a server that ignores
 * ranges sends the whole object), for Cloud Storage and the web alike.
 */
export async function* answerBytes(chunks: AsyncIterable<Buffer>, at: AnswerPosition): AsyncGenerator<Buffer, void, undefined> {
  let { skip, offset } = at;
  for await (let chunk of chunks) {
    at.onArrival();
    if (skip > 0) {
      const dropped = Math.min(skip, chunk.length);
      skip -= dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.length === 0) continue;
    }
    if (at.end !== null && offset + chunk.length > at.end + 1) chunk = chunk.subarray(0, at.end + 1 - offset);
    offset += chunk.length;
    yield chunk;
    if (at.end !== null && offset > at.end) return;
  }
}

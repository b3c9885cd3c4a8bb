import type { ReadAttempt } from './resumeReads.js';

/** What kind of answer came to an attempt of a read. */
export interface AnswerKind {
  /**
   * Whether it is the range asked for (206). A whole answer to a ranged
   * request (a server that ignores ranges, or a stored encoding) starts at byte
   * 0: the bytes before the attempt's offset come again, and are dropped.
   */
  partial: boolean;
  /** The last byte the read wants (inclusive), or null for the object's end. */
  end: number | null;
}

/**
 * The wanted bytes of one answer of a resumable read: what comes again is
 * dropped, and the answer is cut at the range's end (a server that ignores
 * ranges sends the whole object), for Cloud Storage and the web alike. Every
 * chunk that arrives, dropped ones included, is told to the attempt's
 * `onArrival` (its stall timer).
 */
export async function* answerBytes(
  chunks: AsyncIterable<Buffer>,
  at: Pick<ReadAttempt, 'offset' | 'onArrival'>,
  answer: AnswerKind,
): AsyncGenerator<Buffer, void, undefined> {
  const { end } = answer;
  let offset = at.offset;
  let skip = answer.partial ? 0 : offset;
  for await (let chunk of chunks) {
    at.onArrival();
    if (skip > 0) {
      const dropped = Math.min(skip, chunk.length);
      skip -= dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.length === 0) continue;
    }
    if (end !== null && offset + chunk.length > end + 1) chunk = chunk.subarray(0, end + 1 - offset);
    offset += chunk.length;
    yield chunk;
    if (end !== null && offset > end) return;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { StallError } from './StallError.js';

/** What one attempt of a resumable read is given. */
export interface ReadAttempt {
  /** The byte the attempt starts at: where the last one stopped. */
  offset: number;
  /** Aborted when the read's own signal is, or when the body stays silent for the stall timeout (reason: {@link StallError}). */
  signal: AbortSignal;
  /** To call as each chunk arrives (`answerBytes`' `onArrival`): it holds off the stall timer. */
  onArrival: () => void;
}

/** Options of {@link resumeReads}. */
export interface ResumeReadsOptions {
  /** The first byte of the read. */
  start: number;
  /** Longest silence of an attempt, in ms, before it is aborted with a {@link StallError} and the read resumed. */
  stallTimeoutMs: number;
  /** The read's own signal: an abort ends the read with its reason, whatever the attempt was doing. */
  signal?: AbortSignal | undefined;
  /**
   * One request's bytes from `offset`, as they arrive. Ending normally ends the
   * read; an {@link AppError} ends it with that error; anything else is a
   * failure for {@link recover}. Its own `finally` releases the response.
   */
  attempt: (at: ReadAttempt) => AsyncIterable<Buffer>;
  /**
   * Decides after a failed attempt: the ms to wait before the next one, or
   * throws the read's error to give up. `progressed` says whether the attempt
   * brought any byte (stores count fruitless attempts in a row).
   */
  recover: (failure: unknown, progressed: boolean) => number;
}

/**
 * The skeleton of a network store's read: attempts that each continue where the
 * last one stopped, a stall timer that counts silence only while the read
 * waits for bytes (not while its consumer holds a chunk: the parser may be
 * waiting on the pool), and what the store decides between them. What a store
 * asks for and how it judges an answer (ranges, `If-Range`, generations) is its
 * own `attempt`; how often it tries again, its own `recover`.
 */
export async function* resumeReads(options: ResumeReadsOptions): AsyncGenerator<Buffer, void, undefined> {
  const { signal, stallTimeoutMs } = options;
  let offset = options.start;
  for (;;) {
    signal?.throwIfAborted();
    const before = offset;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let consuming = false;
    const timer = setTimeout(() => {
      if (consuming) timer.refresh();
      else controller.abort(new StallError(stallTimeoutMs));
    }, stallTimeoutMs);
    let failure: unknown;
    try {
      for await (const chunk of options.attempt({ offset, signal: controller.signal, onArrival: () => timer.refresh() })) {
        offset += chunk.length;
        consuming = true;
        yield chunk;
        consuming = false;
      }
      return;
    } catch (caught) {
      // Thrown in at the yield: the consumer's own end (a stream destroyed with an error), not a failed attempt.
      if (consuming) throw caught;
      // An aborted attempt may surface as the HTTP client's own error: the abort's reason says why (a stall, or the caller).
      failure = caught instanceof AppError || !controller.signal.aborted ? caught : controller.signal.reason;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) throw signal.reason;
    if (failure instanceof AppError) throw failure;
    const waitMs = options.recover(failure, offset > before);
    await sleep(waitMs, undefined, signal ? { signal } : {}).catch(() => {
      throw signal?.reason;
    });
  }
}

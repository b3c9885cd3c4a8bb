import type { EvaluationChunk } from '../db/EvaluationRowReader.js';
import { AppError } from '../errors.js';
import type { BatchMatches } from '../evaluation/BatchMatches.js';
import type { EvalSettings } from '../evaluation/evaluationTypes.js';
import type { MatchResult, MatchTask } from '../workers/matchMessages.js';
import type { ThumbnailRunOptions } from '../workers/ThumbnailPool.js';

/** Where images are matched: the local worker pool (`ThumbnailPool.runMatches`). */
export interface ImageMatcher {
  runMatches(task: MatchTask, options?: ThumbnailRunOptions): Promise<MatchResult>;
}

/** Options of {@link MatchDispatcher}. */
export interface MatchDispatcherOptions {
  /** Batches in flight at once: the back-pressure bound. Default 8 (two per worker on four). */
  maxInFlight?: number;
  signal: AbortSignal;
}

/** A batch of images (with their sample ids) and its matches. */
export type MatchedBatch = EvaluationChunk & { matches: BatchMatches };

/**
 * Sends batches of images to the pool and hands their results back strictly in
 * the order the batches were sent (a FIFO of pending batches is the reorder
 * buffer: a batch that finishes early waits for those before it), holding at
 * most `maxInFlight` batches: {@link send} waits while the buffer is full, so
 * the reader never runs ahead of the workers.
 */
export class MatchDispatcher {
  readonly #matcher: ImageMatcher;
  readonly #settings: EvalSettings;
  readonly #maxInFlight: number;
  readonly #signal: AbortSignal;
  readonly #pending: { images: EvaluationChunk; result: Promise<MatchResult> }[] = [];

  constructor(matcher: ImageMatcher, settings: EvalSettings, options: MatchDispatcherOptions) {
    this.#matcher = matcher;
    this.#settings = settings;
    this.#maxInFlight = options.maxInFlight ?? 8;
    this.#signal = options.signal;
  }

  /** Sends one batch; first hands the oldest batch's results to `deliver` while the buffer is full. */
  async send(images: EvaluationChunk, deliver: (matched: MatchedBatch) => void): Promise<void> {
    while (this.#pending.length >= this.#maxInFlight) deliver(await this.#next());
    const result = this.#matcher.runMatches({ settings: this.#settings, batch: images.batch }, { signal: this.#signal });
    // Handled when its turn comes; marked handled now so that an early rejection is not reported as unhandled.
    result.catch(() => undefined);
    this.#pending.push({ images, result });
  }

  /** Hands every batch still in flight to `deliver`, in order. */
  async drain(deliver: (matched: MatchedBatch) => void): Promise<void> {
    while (this.#pending.length > 0) deliver(await this.#next());
  }

  /** Waits for every batch in flight, ignoring results (after a failure or a cancellation). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#pending.splice(0).map((p) => p.result));
  }

  async #next(): Promise<MatchedBatch> {
    const { images, result } = this.#pending.shift()!;
    const answer = await result;
    if (!answer.ok) throw new AppError(answer.code as never, answer.message);
    return { ...images, matches: answer.matches };
  }
}

import type { StageProgress } from '../progress/StageProgress.js';

/** Options of {@link ProgressThrottle}. */
export interface ProgressThrottleOptions {
  /**
   * Least time between two updates of one stage, in ms; default 200 (at most 5
   * events a second per stage): smooth for a progress bar. A function is asked
   * at each update, so the interval may follow how many watch (each event goes
   * to every watcher: `progressIntervalFor`).
   */
  intervalMs?: number | (() => number);
}

/**
 * Thins a stage's updates to one per interval, keeping the newest. A stage's
 * `done` update always goes out at once (after any update it supersedes is
 * dropped), and a held update goes out when its interval ends, so the last
 * figure before a pause is never lost.
 */
export class ProgressThrottle {
  readonly #emit: (progress: StageProgress) => void;
  readonly #interval: () => number;
  readonly #last = new Map<string, number>();
  readonly #pending = new Map<string, StageProgress>();
  /** Each stage's timer for its held update, and when it fires (`performance.now()` time). */
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  readonly #done = new Set<string>();

  constructor(emit: (progress: StageProgress) => void, options: ProgressThrottleOptions = {}) {
    this.#emit = emit;
    const interval = options.intervalMs ?? 200;
    this.#interval = typeof interval === 'function' ? interval : () => interval;
  }

  push(progress: StageProgress): void {
    const stage = keyOf(progress);
    if (this.#done.has(stage)) return;
    if (progress.done) {
      this.#cancel(stage);
      this.#done.add(stage);
      this.#send(progress);
      return;
    }
    const now = performance.now();
    const due = (this.#last.get(stage) ?? -Infinity) + this.#interval();
    const held = this.#timers.get(stage);
    if (due <= now && !held) {
      this.#send(progress);
      return;
    }
    this.#pending.set(stage, progress);
    // A held update goes out when its interval ends; an interval that has shrunk since (watchers left) ends sooner.
    if (held && held.due <= due) return;
    if (held) clearTimeout(held.timer);
    const timer = setTimeout(
      () => {
        this.#timers.delete(stage);
        const newest = this.#pending.get(stage);
        this.#pending.delete(stage);
        if (newest) this.#send(newest);
      },
      Math.max(0, due - now),
    );
    timer.unref();
    this.#timers.set(stage, { timer, due });
  }

  /** Sends every held update now (before a terminal event). */
  flush(): void {
    for (const [stage, progress] of this.#pending) {
      this.#cancel(stage);
      this.#send(progress);
    }
  }

  /** Drops held updates and timers. */
  close(): void {
    for (const stage of [...this.#timers.keys()]) this.#cancel(stage);
  }

  #cancel(stage: string): void {
    const held = this.#timers.get(stage);
    if (held) clearTimeout(held.timer);
    this.#timers.delete(stage);
    this.#pending.delete(stage);
  }

  #send(progress: StageProgress): void {
    this.#last.set(keyOf(progress), performance.now());
    this.#emit(progress);
  }
}

/** A stage's key: an upload's splits each run the ingest's stages, so a stage is throttled, and done, per split. */
const keyOf = (progress: StageProgress): string => (progress.split === undefined ? progress.stage : `${progress.split}\0${progress.stage}`);

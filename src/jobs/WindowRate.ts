/** Options of {@link WindowRate}. */
export interface WindowRateOptions {
  /**
   * How far back the rate looks, in ms; default 10000. The rate is the mean over
   * this window (a straight line through its first and last samples): a change of
   * pace shows within it, while the jitter of single updates averages out.
   */
  windowMs?: number;
  /** Least ms between two kept samples; default 200 (closer ones replace the newest, bounding the samples kept). */
  minIntervalMs?: number;
  /** Least span of the samples, in ms, before a rate is given; default 500 (two updates a moment apart say little). */
  minSpanMs?: number;
}

/** Defaults of {@link WindowRateOptions}. */
export const WINDOW_RATE_DEFAULTS = { windowMs: 10_000, minIntervalMs: 200, minSpanMs: 500 } as const;

/**
 * How fast a growing value grows, per second, over a sliding window of its
 * samples: smoothed, yet following a real change of pace within the window.
 */
export class WindowRate {
  readonly #windowMs: number;
  readonly #minIntervalMs: number;
  readonly #minSpanMs: number;
  // Oldest first; at most one sample older than the window is kept, as its start.
  #samples: { value: number; at: number }[] = [];

  constructor(options: WindowRateOptions = {}) {
    this.#windowMs = options.windowMs ?? WINDOW_RATE_DEFAULTS.windowMs;
    this.#minIntervalMs = options.minIntervalMs ?? WINDOW_RATE_DEFAULTS.minIntervalMs;
    this.#minSpanMs = options.minSpanMs ?? WINDOW_RATE_DEFAULTS.minSpanMs;
  }

  /** Records `value` at `at` (ms, from one clock). */
  sample(value: number, at: number): void {
    const samples = this.#samples;
    const last = samples.at(-1);
    if (last && samples.length > 1 && at - samples.at(-2)!.at < this.#minIntervalMs) {
      last.value = value;
      last.at = at;
    } else {
      samples.push({ value, at });
    }
    while (samples.length > 2 && samples[1]!.at <= at - this.#windowMs) samples.shift();
  }

  /** Forgets every sample (a new pace starts, e.g. after a jump the rate must not count). */
  reset(): void {
    this.#samples = [];
  }

  /** Per second over the window; null until the samples span `minSpanMs`. */
  get perSecond(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at <= first.at || last.at - first.at < this.#minSpanMs) return null;
    return ((last.value - first.value) * 1000) / (last.at - first.at);
  }
}

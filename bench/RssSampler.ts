import { readProcMemory } from './procStatus.js';

/** What {@link RssSampler} saw. */
export interface RssSamples {
  /** Largest sampled resident set, bytes (0 when no sample was taken). */
  maxBytes: number;
  /** Last sampled resident set, bytes. */
  lastBytes: number;
  count: number;
}

/**
 * Samples a process's resident set (`VmRSS`) every `intervalMs` until stopped.
 * It shows how memory moves during a run; the true peak is `VmHWM`, which
 * sampling would underestimate.
 */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #samples: RssSamples = { maxBytes: 0, lastBytes: 0, count: 0 };
  #reading = false;

  constructor(pid: number, intervalMs: number) {
    this.#pid = pid;
    this.#timer = setInterval(() => void this.#sample(), intervalMs);
    // Never what keeps the bench alive.
    this.#timer.unref();
  }

  /** The samples so far. */
  get samples(): RssSamples {
    return { ...this.#samples };
  }

  /** Forgets earlier samples, e.g. those of the start-up. */
  reset(): void {
    this.#samples = { maxBytes: 0, lastBytes: 0, count: 0 };
  }

  /** Stops sampling and returns what was seen. */
  stop(): RssSamples {
    clearInterval(this.#timer);
    return this.samples;
  }

  async #sample(): Promise<void> {
    // A slow read (a busy machine) must not pile up reads.
    if (this.#reading) return;
    this.#reading = true;
    try {
      const rss = await readProcMemory(this.#pid, 'VmRSS');
      if (rss !== null) {
        this.#samples.maxBytes = Math.max(this.#samples.maxBytes, rss);
        this.#samples.lastBytes = rss;
        this.#samples.count++;
      }
    } finally {
      this.#reading = false;
    }
  }
}

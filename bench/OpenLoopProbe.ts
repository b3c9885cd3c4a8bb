import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link OpenLoopProbe.start}. */
export interface OpenLoopProbeOptions {
  /** Time between two scheduled sends, ms. Required. */
  intervalMs: number;
  /** Sends one probe and resolves when its answer has been read; throws on a bad answer. Required. */
  send: () => Promise<void>;
  /**
   * Probes unanswered at once beyond which a scheduled probe is skipped (and
   * counted) instead of sent, so that a service that cannot keep up is not
   * buried under a growing pile of probes. Default 100.
   */
  maxInFlight?: number;
  /** The clock latencies are read from, ms. Default `performance.now`. */
  clock?: () => number;
  /** Resolves at `time` on `clock`, or rejects when `signal` aborts. Default: a timer. */
  waitUntil?: (time: number, signal: AbortSignal) => Promise<void>;
}

/** What a probe series measured. */
export interface ProbeSeries {
  /** Latency of every probe sent, in schedule order, ms. */
  latencies: number[];
  /** Scheduled probes not sent because `maxInFlight` were unanswered. */
  skipped: number;
}

/**
 * Probes a service on a fixed schedule (open loop): probe i is sent at
 * start + i × interval whether or not the earlier ones have answered, and its
 * latency runs from that scheduled time to its answer. A closed loop (send,
 * wait for the answer, pause, send again) samples a stall once however long
 * it lasts; here every probe scheduled during it counts the part it waited,
 * as a user's requests would (no coordinated omission).
 */
export class OpenLoopProbe {
  readonly #options: Required<OpenLoopProbeOptions>;
  readonly #stop = new AbortController();
  readonly #answers: Promise<void>[] = [];
  /** Latency of probe i, by schedule order; a hole until it answers. */
  readonly #latencies: number[] = [];
  #failure: unknown = undefined;
  #inFlight = 0;
  #skipped = 0;
  #loop: Promise<void> = Promise.resolve();

  private constructor(options: OpenLoopProbeOptions) {
    const clock = options.clock ?? (() => performance.now());
    this.#options = {
      clock,
      maxInFlight: 100,
      waitUntil: (time, signal) => sleep(Math.max(0, time - clock()), undefined, { signal }),
      ...options,
    };
  }

  /** Starts probing now: the first probe is sent at once. */
  static start(options: OpenLoopProbeOptions): OpenLoopProbe {
    const probe = new OpenLoopProbe(options);
    probe.#loop = probe.#run();
    return probe;
  }

  /**
   * Stops scheduling, waits for the probes in flight, and gives every sent
   * probe's latency in schedule order, and how many were skipped.
   * @throws the first probe's failure, if any failed.
   */
  async stop(): Promise<ProbeSeries> {
    this.#stop.abort();
    await this.#loop;
    await Promise.all(this.#answers);
    if (this.#failure !== undefined) throw this.#failure;
    return { latencies: this.#latencies.filter((v) => v !== undefined), skipped: this.#skipped };
  }

  async #run(): Promise<void> {
    const { intervalMs, send, clock, waitUntil, maxInFlight } = this.#options;
    const signal = this.#stop.signal;
    const start = clock();
    for (let i = 0; !signal.aborted; i++) {
      const scheduled = start + i * intervalMs;
      try {
        await waitUntil(scheduled, signal);
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      if (signal.aborted) return;
      if (this.#inFlight >= maxInFlight) {
        this.#skipped++;
        continue;
      }
      this.#inFlight++;
      this.#answers.push(
        send()
          .then(
            () => {
              this.#latencies[i] = clock() - scheduled;
            },
            (err: unknown) => {
              this.#failure ??= err;
            },
          )
          .finally(() => {
            this.#inFlight--;
          }),
      );
    }
  }
}

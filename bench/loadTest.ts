import autocannon from 'autocannon';

/** Options of {@link loadTest}. */
export interface LoadTestOptions {
  url: string;
  /** Concurrent keep-alive connections. */
  connections: number;
  /** Seconds of load. */
  seconds: number;
}

/** What a load test measured. */
export interface LoadTestResult {
  /** Responses per second over the whole test. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/**
 * Loads `url` with autocannon (in this process) for `seconds` seconds.
 * @throws when any request errored, timed out or answered other than 2xx: a
 *   figure made of failures would be meaningless.
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const result = await autocannon({ url: options.url, connections: options.connections, duration: options.seconds });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`load test of ${options.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return {
    // autocannon's per-second average rests on whole-second samples, too few in a short test.
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

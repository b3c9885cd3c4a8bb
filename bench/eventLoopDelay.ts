/** The service's event-loop delay over a window, from its `GET /metrics`. */
export interface EventLoopDelay {
  /** Longest delay seen, ms: the longest synchronous slice on the main thread, within the 10 ms sampling resolution. */
  maxMs: number;
  /** 99th percentile of the delays, ms. */
  p99Ms: number;
}

/**
 * Reads the event-loop delay since the last scrape from the service's
 * `GET /metrics`. The service registers prom-client's default metrics, whose
 * `nodejs_eventloop_lag_*` gauges come from a `perf_hooks.monitorEventLoopDelay`
 * histogram that is read and reset at every scrape: one scrape before a run
 * starts the window, one after it reads the run's max and p99. Nothing else
 * may scrape the service meanwhile.
 * @throws when the metrics do not carry the gauges.
 */
export async function scrapeEventLoopDelay(baseUrl: string): Promise<EventLoopDelay> {
  const response = await fetch(`${baseUrl}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text.slice(0, 500)}`);
  return parseEventLoopDelay(text);
}

/** The event-loop gauges of a Prometheus text exposition, in ms. */
export function parseEventLoopDelay(metrics: string): EventLoopDelay {
  const seconds = (name: string) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics);
    if (match === null) throw new Error(`GET /metrics has no ${name}`);
    return Number(match[1]);
  };
  return { maxMs: seconds('nodejs_eventloop_lag_max_seconds') * 1000, p99Ms: seconds('nodejs_eventloop_lag_p99_seconds') * 1000 };
}

/** What {@link progressIntervalFor} stretches, and how far. */
export interface ProgressIntervalOptions {
  /** Least ms between two progress events of one stage, however few watch. */
  intervalMs: number;
  /** Socket writes a second one stage's progress may cost across all of a job's watchers. */
  writesPerSecond: number;
}

/**
 * The least time between two progress events of one stage of a job that
 * `watchers` follow. Each event is one write to every watcher's socket (about
 * 50 µs of kernel time each on a 2-core VM), so the interval grows with the
 * audience and a stage's updates cost at most `writesPerSecond` writes a second:
 * a crowded job's progress bars move less often, and its work is not slowed.
 * With the service's defaults (200 ms, 250 writes) up to 50 watchers see five
 * updates a second, and 200 see one every 0.8 s.
 */
export function progressIntervalFor(watchers: number, options: ProgressIntervalOptions): number {
  return Math.max(options.intervalMs, (1000 * watchers) / options.writesPerSecond);
}

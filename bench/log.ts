const started = performance.now();

/**
 * Prints a progress line to stderr, prefixed with the time since the bench
 * started: stdout stays free, and a long run shows where it is.
 */
export function log(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

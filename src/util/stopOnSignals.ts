import type { Logger } from 'pino';

/**
 * Stops a process gracefully on SIGTERM or SIGINT: `stop` runs once, then the
 * process exits 0 (1 if `stop` fails). A second signal exits at once with 1,
 * for an operator who will not wait.
 * @param stopping logged when the first signal arrives, saying what `stop` does.
 */
export function stopOnSignals(log: Logger, stopping: string, stop: () => Promise<void>): void {
  let stopped = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopped) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopped = true;
    log.info({ signal }, stopping);
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

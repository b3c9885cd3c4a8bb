import { type Config, ConfigError, loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { stopOnSignals } from '../util/stopOnSignals.js';
import { startServer } from './startServer.js';

// The process entry point (`npm start`): configuration from the environment,
// a clear message and exit code 1 on a bad value or a locked database,
// and a graceful stop on SIGTERM/SIGINT.
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`coco-ingest: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const log = createLogger(config.logLevel);
try {
  const running = await startServer(config, log);
  log.info({ url: running.url, dataDir: config.dataDir, ingestRoots: config.ingestRoots, workers: config.workers }, `coco-ingest listening on ${running.url}`);
  stopOnSignals(log, 'shutting down: cancelling running jobs', () => running.close());
} catch (err) {
  const message = err instanceof AppError && err.expose ? err.message : String(err);
  log.fatal({ err }, `coco-ingest could not start: ${message}`);
  process.stderr.write(`coco-ingest could not start: ${message}\n`);
  process.exit(1);
}

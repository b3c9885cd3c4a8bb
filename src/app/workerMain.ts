import { availableParallelism } from 'node:os';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { ChunkWorker } from '../queue/worker/ChunkWorker.js';
import { stopOnSignals } from '../util/stopOnSignals.js';
import { ThumbnailPool } from '../workers/ThumbnailPool.js';
import { workerPoolShape } from '../workers/workerPoolShape.js';
import { datasetStorageFor } from './datasetStorageFor.js';
import { thumbnailPlaceFor } from './thumbnailPlaceFor.js';

// The `npm run worker` entry point: the thumbnail stage of a service that runs
// with REDIS_URL, on this machine, with the service's settings (REDIS_URL,
// INGEST_ROOTS, DATA_DIR or THUMBNAIL_BUCKET). Here WORKERS is the thumbnails
// in flight in this process (default: cores x THUMBNAIL_TASKS_PER_WORKER, the
// service pool's own). It reads images and writes thumbnails; it never opens the database.
let config: Config;
try {
  config = loadConfig();
  if (config.queue === null) throw new ConfigError('invalid configuration:\n  REDIS_URL: a worker needs the Redis its service queues thumbnails on');
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`coco-ingest worker: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const log = createLogger(config.logLevel).child({ role: 'worker' });
const storage = datasetStorageFor(config);
const inFlight = process.env.WORKERS?.trim() ? config.workers : availableParallelism() * config.tasksPerWorker;
const pool = new ThumbnailPool(workerPoolShape(inFlight, availableParallelism()));
try {
  const worker = await ChunkWorker.start({
    redisUrl: config.queue.redisUrl,
    stallMs: config.queue.stallMs,
    tools: { pool, storage, place: thumbnailPlaceFor(config, storage) },
    log,
  });
  log.info({ inFlight, ingestRoots: config.ingestRoots, dataDir: config.dataDir, thumbnailBucket: config.thumbnailBucket }, 'coco-ingest worker ready');
  stopOnSignals(log, 'finishing the running chunks, then stopping', async () => {
    await worker.close();
    await pool.close();
  });
} catch (err) {
  const message = err instanceof AppError && err.expose ? err.message : String(err);
  process.stderr.write(`coco-ingest worker could not start: ${message}\n`);
  await pool.close();
  process.exit(1);
}

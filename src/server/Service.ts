import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/Database.js';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import type { SampleRepository } from '../db/SampleRepository.js';
import type { JobScheduler } from '../jobs/JobScheduler.js';
import type { UploadIntake } from '../jobs/UploadIntake.js';
import type { ServiceMetrics } from '../metrics/ServiceMetrics.js';
import type { PluginRunner } from '../plugins/PluginRunner.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';
import type { ThumbnailCache } from '../thumbnails/ThumbnailCache.js';
import type { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import type { UploadFolders } from '../uploads/UploadFolders.js';
import type { ThumbnailPool } from '../workers/ThumbnailPool.js';

/** Everything the routes use, wired once per process (by `app/startService`). */
export interface Service {
  config: Config;
  log: Logger;
  db: Database;
  datasets: DatasetRepository;
  samples: SampleRepository;
  jobs: JobScheduler;
  /** Takes uploads in, receiving their bytes before their jobs are queued. */
  intake: UploadIntake;
  pool: ThumbnailPool;
  thumbnails: ThumbnailStore;
  /** Recently served thumbnails, in memory. */
  thumbnailCache: ThumbnailCache;
  /** Reads datasets from disk and buckets, within INGEST_ROOTS. */
  storage: DatasetStorage;
  plugins: PluginRunner;
  /** Where uploaded datasets' files are, under `DATA_DIR/uploads`. */
  uploads: UploadFolders;
  /** The Prometheus metrics served at `GET /metrics`. */
  metrics: ServiceMetrics;
  /** Cancels running jobs (their datasets end `cancelled`), then closes the pool and the database. */
  close(): Promise<void>;
}

import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { Database } from '../db/Database.js';
import { DatasetRepository } from '../db/DatasetRepository.js';
import { IdSequence } from '../db/IdSequence.js';
import { SampleRepository } from '../db/SampleRepository.js';
import { JobScheduler } from '../jobs/JobScheduler.js';
import { recoverInterruptedJobs } from '../jobs/recoverInterruptedJobs.js';
import { UploadIntake } from '../jobs/UploadIntake.js';
import { ServiceMetrics } from '../metrics/ServiceMetrics.js';
import { loadPlugins } from '../plugins/loadPlugins.js';
import { PluginRunner } from '../plugins/PluginRunner.js';
import { QueueThumbnailBackend } from '../queue/QueueThumbnailBackend.js';
import type { Service } from '../server/Service.js';
import { ThumbnailCache } from '../thumbnails/ThumbnailCache.js';
import { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import { UploadFolders } from '../uploads/UploadFolders.js';
import { RecordParsePool } from '../workers/RecordParsePool.js';
import { ThumbnailPool } from '../workers/ThumbnailPool.js';
import { datasetStorageFor } from './datasetStorageFor.js';
import { thumbnailPlaceFor } from './thumbnailPlaceFor.js';
import { warmUpEvaluation } from './warmUpEvaluation.js';

/**
 * Opens the database (failing fast if another process holds it), recovers jobs a
 * previous process left unfinished, loads the plugins and starts the pool.
 */
export async function startService(config: Config, log: Logger): Promise<Service> {
  const db = await Database.open({
    file: path.join(config.dataDir, 'coco-ingest.duckdb'),
    memoryLimit: config.duckdbMemoryLimit,
    blockMemory: config.duckdbBlockMemory,
    onCheckpointTrouble: (message, err) => log.warn({ err }, message),
  });
  const cleanup: (() => Promise<void>)[] = [() => db.close()];
  try {
    const datasets = new DatasetRepository(db);
    const pool = new ThumbnailPool({ workers: config.workers, tasksPerWorker: config.tasksPerWorker, warm: true });
    cleanup.unshift(() => pool.close());
    // Listening only once the threads have loaded sharp: requests that came before waited behind that loading.
    await pool.started();
    const warmUp = warmUpEvaluation({ matcher: pool, db }, config.evaluationWarmUpImages, log);
    cleanup.unshift(warmUp.stop);
    const parser = config.parseWorkers > 0 ? new RecordParsePool({ threads: config.parseWorkers }) : null;
    if (parser) cleanup.unshift(() => parser.close());
    // With REDIS_URL, an ingest's thumbnails go to the queue's worker processes;
    // masks and on-demand thumbnails stay on the local pool.
    const queue = config.queue === null ? null : await QueueThumbnailBackend.open({ ...config.queue, local: pool });
    if (queue) cleanup.unshift(() => queue.close());
    const storage = datasetStorageFor(config);
    const thumbnails = new ThumbnailStore({
      place: thumbnailPlaceFor(config, storage),
      pool,
      quality: config.thumbnailQuality,
      effort: config.thumbnailEffort,
      maxPixels: config.maxImagePixels,
    });
    const uploads = new UploadFolders(config.dataDir);
    const pluginList = await loadPlugins(config.pluginDir);
    log.info({ dir: config.pluginDir, plugins: pluginList.map((p) => p.name) }, `loaded ${pluginList.length} plugin(s)`);
    const plugins = new PluginRunner(pluginList, db, log);
    const max = await datasets.maxIds();
    const context = {
      services: {
        db,
        ids: { samples: new IdSequence(max.sample), annotations: new IdSequence(max.annotation), predictions: new IdSequence(max.prediction) },
        pool: queue ?? pool,
        store: thumbnails,
        storage,
        imageReadConcurrency: config.imageReadConcurrency,
        quality: config.thumbnailQuality,
        effort: config.thumbnailEffort,
        maxPixels: config.maxImagePixels,
        parser,
        matcher: pool,
      },
      repo: datasets,
      plugins,
      uploads: { folders: uploads, limits: config.uploads },
      log,
    };
    await recoverInterruptedJobs(context);
    const jobs = new JobScheduler(context, { maxConcurrentJobs: config.maxConcurrentJobs });
    const intake = new UploadIntake(jobs, datasets, context.uploads, log);
    const metrics = new ServiceMetrics({ jobs, pool, queue, evaluations: datasets.evaluations });
    cleanup.unshift(async () => metrics.close());
    let closing: Promise<void> | null = null;
    return {
      config,
      log,
      db,
      datasets,
      samples: new SampleRepository(db),
      jobs,
      intake,
      pool,
      thumbnails,
      thumbnailCache: new ThumbnailCache({ maxBytes: config.thumbnailCacheBytes }),
      storage,
      plugins,
      uploads,
      metrics,
      close() {
        closing ??= (async () => {
          await jobs.shutdown();
          for (const step of cleanup) await step();
        })();
        return closing;
      },
    };
  } catch (err) {
    for (const step of cleanup) await step().catch(() => undefined);
    throw err;
  }
}

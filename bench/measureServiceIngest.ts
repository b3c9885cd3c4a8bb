import type { BenchContext } from './BenchContext.js';
import { type EventLoopDelay, scrapeEventLoopDelay } from './eventLoopDelay.js';
import { type IngestOverHttpResult, ingestOverHttp } from './ingestOverHttp.js';
import { log } from './log.js';
import type { PreparedDataset } from './prepareDataset.js';
import { procCpuSeconds } from './procCpuSeconds.js';
import type { ServiceProcess } from './ServiceProcess.js';
import { withService } from './withService.js';

/** Options of {@link measureServiceIngest}. */
export interface MeasureServiceIngestOptions {
  /** Names the run in logs. Required. */
  label: string;
  dataset: PreparedDataset;
  thumbnails: 'all' | 'none';
  /** The request's `hashes`. Default: left out (the service's default, true). */
  hashes?: boolean;
  /** The service's `WORKERS`. */
  workers: number;
  /** SSE clients watching the job. Default: {@link ingestOverHttp}'s. */
  watchers?: number;
  /** Where the service reads the dataset from instead of its local copy (e.g. a bucket). Default: the local copy. */
  source?: { annotationPath: string; imageDir: string; ingestRoot: string };
  /** More environment for the service. Default none. */
  env?: Record<string, string>;
  /**
   * Processes started beside the service before the POST (the queue's workers),
   * given its `DATA_DIR` and `INGEST_ROOTS`; stopped once the ingest ends. Default none.
   */
  alongside?: (service: { dataDir: string; ingestRoots: string[] }) => Promise<{ stop(): Promise<void> }>;
}

/** One measured ingest: what the client saw, and the server's memory. */
export interface ServiceIngestMeasurement extends IngestOverHttpResult {
  /** The server's peak resident set over its whole life (`VmHWM`), bytes. */
  peakRssBytes: number;
  /** The largest resident set sampled during the ingest, bytes. */
  maxSampledRssBytes: number;
  /** Its resident set just before the POST, bytes: the service's own footprint. */
  idleRssBytes: number;
  /** CPU time the service process used during the ingest (all its threads), seconds. */
  cpuSeconds: number;
  /** The service's event-loop delay from the POST to `complete` (see {@link scrapeEventLoopDelay}). */
  eventLoopDelay: EventLoopDelay;
}

/** Ingests `dataset` into a fresh service and measures it (see {@link withService}). */
export async function measureServiceIngest(context: BenchContext, options: MeasureServiceIngestOptions): Promise<ServiceIngestMeasurement> {
  const { dataset } = options;
  return withService(
    context,
    options.label,
    options.workers,
    async (service, shared) => {
      const beside = await options.alongside?.(shared);
      try {
        return await measure(service);
      } finally {
        await beside?.stop();
      }
    },
    { ingestRoots: options.source ? [options.source.ingestRoot] : [], env: options.env ?? {} },
  );

  async function measure(service: ServiceProcess): Promise<ServiceIngestMeasurement> {
    const idleRssBytes = await service.currentRss();
    service.rss.reset();
    const cpuBefore = (await procCpuSeconds(service.pid)) ?? 0;
    await scrapeEventLoopDelay(service.url);
    const result = await ingestOverHttp(
      service.url,
      {
        annotation_path: options.source?.annotationPath ?? dataset.annotationPath,
        image_dir: options.source?.imageDir ?? dataset.imageDir,
        dataset_name: dataset.name,
        thumbnails: options.thumbnails,
        ...(options.hashes === undefined ? {} : { hashes: options.hashes }),
      },
      { watchers: options.watchers },
    );
    const eventLoopDelay = await scrapeEventLoopDelay(service.url);
    const maxSampledRssBytes = service.rss.samples.maxBytes;
    const peakRssBytes = await service.peakRss();
    const cpuSeconds = ((await procCpuSeconds(service.pid)) ?? cpuBefore) - cpuBefore;
    log(
      `${options.label}: ${(result.wallMs / 1000).toFixed(2)} s wall, server ${(result.complete.duration_ms / 1000).toFixed(2)} s, ` +
        `peak RSS ${(peakRssBytes / 1e6).toFixed(0)} MB, event-loop delay max ${eventLoopDelay.maxMs.toFixed(0)} ms`,
    );
    return { ...result, peakRssBytes, maxSampledRssBytes, idleRssBytes, cpuSeconds, eventLoopDelay };
  }
}

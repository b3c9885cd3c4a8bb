import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { Database } from '../db/Database.js';
import { ANNOTATION_FORMATS } from '../formats/formatRegistry.js';
import type { FormatName } from '../formats/AnnotationFormat.js';
import { FormatResolver } from '../formats/FormatResolver.js';
import { READ_ANNOTATION_DEFAULTS, readAnnotationFile } from '../formats/readAnnotationFile.js';
import type { IngestHooks } from '../plugins/PluginRunner.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';
import type { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import type { ThumbnailPool } from '../workers/ThumbnailPool.js';
import { DatasetWriter, type IdSequences, type InTransaction } from './DatasetWriter.js';
import { ImageLocator } from './ImageLocator.js';
import { IngestTimings } from './IngestTimings.js';
import { PanopticMaskStage } from './PanopticMaskStage.js';
import { ParseProgress } from './ParseProgress.js';
import { PluginBatcher } from './PluginBatcher.js';
import type { IngestWarning, StageOptions } from './progress.js';
import { RecordRouter } from './RecordRouter.js';
import { SkipReporter, type SkipCounts } from './SkipReporter.js';
import { ThumbnailStage, type ThumbnailStageResult } from './ThumbnailStage.js';

/** `thumbnails` in an ingest request: all images (default), none, or the first N. */
export type ThumbnailMode = 'all' | 'none' | number;

/** `on_invalid` in an ingest request: invalid records fail the ingest (default), or are skipped and counted. */
export type OnInvalid = 'fail' | 'skip';

/** One ingest: which file, where its images are, and where its rows go. */
export interface IngestRequest {
  datasetId: number;
  jobId: string;
  split: string;
  /** The annotation file: a real path or a URL, already checked against the ingest roots. */
  annotationPath: string;
  /** The image folder, a real path or a URL prefix checked against the ingest roots; null: images by their `coco_url`. */
  imageDir: string | null;
  /** The PNG folder of a panoptic file, checked against the ingest roots; null when there is none. */
  maskDir: string | null;
  thumbnails: ThumbnailMode;
  /** Default `fail`. */
  onInvalid?: OnInvalid;
}

/** The long-lived parts an ingest shares with every other. */
export interface IngestServices {
  db: Database;
  ids: IdSequences;
  pool: ThumbnailPool;
  store: ThumbnailStore;
  /** Reads annotation files and images, from disk, a bucket or a web server. */
  storage: DatasetStorage;
  /** Image reads in flight at once per ingest (fetches ahead of the workers). */
  imageReadConcurrency: number;
  /** WebP quality of the thumbnails. */
  quality: number;
  /** Images above this many pixels are refused undecoded. */
  maxPixels: number;
}

/** What the job's owner gives an ingest: its plugin hooks, and the job's rows to commit with the data. */
export interface IngestJobSide {
  hooks: IngestHooks;
  /** Filled with the file's categories as they are read: the plugins' view of them. */
  categories: Map<number, string>;
  /** Writes the job's `complete` row (and the dataset's `ready`) inside the ingest's transaction. */
  commitRows: (summary: Record<string, unknown>, metadata: { info: unknown; licenses: unknown }) => InTransaction;
}

/** Options of {@link ingestDataset}. */
export interface IngestOptions extends StageOptions {
  onWarning: (warning: IngestWarning) => void;
}

/** The figures of a finished ingest: the `complete` event's data. */
export interface IngestSummary extends Record<string, unknown> {
  dataset_id: number;
  job_id: string;
  split: string;
  /** What the file was. */
  format: FormatName;
  image_count: number;
  annotation_count: number;
  category_count: number;
  thumbnails: { requested: number; generated: number; failed: number; bytes: number };
  /** Image and mask failures by code (`IMAGE_MISSING`, `MASK_AREA_MISMATCH`, ...). */
  failures: Record<string, number>;
  /** Invalid records skipped under `on_invalid: "skip"`, by section (all 0 otherwise). */
  skipped: Omit<SkipCounts, 'results'>;
  warnings: number;
  duration_ms: number;
  images_per_second: number;
  /** Thumbnails made per second of the thumbnail stage (first task queued to last one done); 0 without thumbnails. */
  thumbnails_per_second: number;
  /**
   * Where the time went, in milliseconds. Main-thread work: `read` (reading,
   * scanning and parsing the file, validating records), `store` (appending rows),
   * `backpressure` (the parser waiting for the worker pool), then
   * `thumbnails_tail` (waiting for the last thumbnails and masks after the file
   * ended) and `commit`. `thumbnails` is the thumbnail stage's own span, which overlaps the rest.
   */
  timings_ms: { read: number; store: number; backpressure: number; thumbnails: number; thumbnails_tail: number; commit: number };
}

const NO_THUMBNAILS: ThumbnailStageResult = { generated: 0, failed: 0, bytes: 0, failures: {}, spanMs: 0 };

/**
 * Ingests one annotation file into a dataset: streams the file once, in
 * whatever COCO format it is; hands its records to the writer, the thumbnail
 * and mask stages and the plugins ({@link RecordRouter}); and commits — with
 * the job's own rows — only when every record is valid and every task has
 * finished. On any failure or abort nothing of this ingest remains: its rows
 * are rolled back and its thumbnails removed.
 */
export async function ingestDataset(
  request: IngestRequest,
  services: IngestServices,
  job: IngestJobSide,
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const file = path.posix.basename(request.annotationPath);
  // Before anything is begun: a missing or forbidden file fails here, naming itself, with nothing to undo.
  const annotations = services.storage.storeFor(request.annotationPath);
  const annotationBytes = (await annotations.stat(request.annotationPath)).size;
  // Our own controller, so a parse error can stop the tasks still in flight before cleanup.
  const local = new AbortController();
  const signal = AbortSignal.any([options.signal, local.signal]);
  // Every task in the pool's bounded queue listens on this signal: that many listeners is by design.
  setMaxListeners(0, signal);
  let warnings = 0;
  const onWarning = (warning: IngestWarning) => {
    warnings++;
    options.onWarning(warning);
  };
  const skips = new SkipReporter(onWarning);
  const writer = await DatasetWriter.begin(services.db, { datasetId: request.datasetId, jobId: request.jobId, split: request.split, file }, services.ids);
  if (request.onInvalid === 'skip') writer.skipInvalid(skips.skip);
  const stages = { signal, onProgress: options.onProgress };
  const thumbs = thumbnailStage(request, services, stages, (failure) => writer.addImageFailure(failure));
  const masks = request.maskDir === null ? null : new PanopticMaskStage(services.pool, writer, { ...stages, maskDir: request.maskDir, storage: services.storage, maxPixels: services.maxPixels });
  const resolver = new FormatResolver(ANNOTATION_FORMATS, file);
  const progress = new ParseProgress(options.onProgress, annotationBytes);
  const router = new RecordRouter({
    file,
    writer,
    thumbnails: thumbs,
    thumbnailLimit: typeof request.thumbnails === 'number' ? request.thumbnails : Infinity,
    masks,
    plugins: new PluginBatcher(job.hooks.wantsBatches ? job.hooks.batch : null),
    categories: job.categories,
    progress,
    locate: new ImageLocator(services.storage, request.imageDir).locate,
  });
  const reader = readAnnotationFile(annotations.readChunks(request.annotationPath, { chunkBytes: READ_ANNOTATION_DEFAULTS.highWaterMark, signal }), {
    file,
    signal,
    resolver,
    totalBytes: annotationBytes,
    onProgress: progress.bytes,
    onInvalidRecord: request.onInvalid === 'skip' ? skips.invalid : undefined,
  });
  const timings = new IngestTimings();
  try {
    await job.hooks.start();
    for (;;) {
      const next = await timings.reading(() => reader.next());
      if (next.done) break;
      await timings.storing(() => router.route(next.value));
    }
    await router.finish();
    progress.finish();
    const parsed = performance.now();
    await masks?.finish();
    const thumbResult = thumbs ? await thumbs.finish() : NO_THUMBNAILS;
    const tailDone = performance.now();
    if (!thumbs) options.onProgress({ stage: 'thumbnails', current: 0, total: 0, message: 'thumbnails not requested', done: true });
    const format = resolver.format ?? ANNOTATION_FORMATS[0]!;
    // The whole-file rules may skip records (on_invalid: "skip"): the counts below come after them.
    await writer.checkWholeFile(format.rules);
    const { results: _results, ...skipped } = skips.counts;
    const summary: IngestSummary = {
      dataset_id: request.datasetId,
      job_id: request.jobId,
      split: request.split,
      format: resolver.label,
      image_count: writer.imageCount,
      annotation_count: writer.annotationCount,
      category_count: writer.categoryCount,
      thumbnails: { requested: thumbs ? thumbs.submitted : 0, generated: thumbResult.generated, failed: thumbResult.failed, bytes: thumbResult.bytes },
      failures: mergeCounts(thumbResult.failures, masks?.failures ?? {}),
      skipped,
      warnings,
      duration_ms: 0,
      images_per_second: 0,
      thumbnails_per_second: perSecond(thumbResult.generated, thumbResult.spanMs),
      timings_ms: {
        read: Math.round(timings.read),
        store: Math.round(timings.store),
        backpressure: Math.round(timings.backpressure),
        thumbnails: Math.round(thumbResult.spanMs),
        thumbnails_tail: Math.round(tailDone - parsed),
        commit: 0,
      },
    };
    summary.duration_ms = Math.round(performance.now() - started);
    summary.images_per_second = perSecond(writer.imageCount, summary.duration_ms);
    await writer.commit(format.rules, job.commitRows(summary, { info: router.info, licenses: router.licenses }));
    summary.timings_ms.commit = Math.round(performance.now() - tailDone);
    summary.duration_ms = Math.round(performance.now() - started);
    summary.images_per_second = perSecond(writer.imageCount, summary.duration_ms);
    return summary;
  } catch (err) {
    local.abort(err);
    await Promise.all([thumbs?.settled(), masks?.settled()]);
    await writer.rollback();
    // A cleanup that fails (the thumbnail folder itself may be what broke) must not hide why the ingest failed.
    await services.store.removeJob(request.datasetId, request.jobId).catch(() => undefined);
    throw err;
  } finally {
    await reader.return();
    await writer.close();
  }
}

/** The thumbnail stage of a request, or null when it asks for none. */
function thumbnailStage(
  request: IngestRequest,
  services: IngestServices,
  stages: StageOptions,
  onFailure: ConstructorParameters<typeof ThumbnailStage>[2]['onFailure'],
): ThumbnailStage | null {
  if (request.thumbnails === 'none' || request.thumbnails === 0) return null;
  return new ThumbnailStage(services.pool, services.store, {
    ...stages,
    datasetId: request.datasetId,
    jobId: request.jobId,
    imageDir: request.imageDir,
    storage: services.storage,
    maxReads: services.imageReadConcurrency,
    quality: services.quality,
    maxPixels: services.maxPixels,
    onFailure,
  });
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [key, n] of Object.entries(b)) out[key] = (out[key] ?? 0) + n;
  return out;
}

/** `count` per second of `ms`, to one decimal; 0 for an empty span. */
function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count / ms) * 10_000) / 10 : 0;
}

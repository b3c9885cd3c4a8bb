import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { Database } from '../db/Database.js';
import type { PluginRunner } from '../plugins/PluginRunner.js';
import type { PluginAnnotation, PluginSample } from '../plugins/IngestPlugin.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';
import type { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import type { ThumbnailPool } from '../workers/ThumbnailPool.js';
import { DatasetWriter, type IdSequences } from './DatasetWriter.js';
import type { IngestWarning, StageOptions, StageProgress } from './progress.js';
import { READ_COCO_DEFAULTS, readCocoFile } from './readCocoFile.js';
import { ThumbnailStage } from './ThumbnailStage.js';

/** `thumbnails` in an ingest request: all images (default), none, or the first N. */
export type ThumbnailMode = 'all' | 'none' | number;

/** `on_invalid` in an ingest request: invalid records fail the ingest (default), or are skipped and counted. */
export type OnInvalid = 'fail' | 'skip';

/** Invalid records named one by one in `warning` events when skipping; the rest are only counted. */
const SKIP_WARNINGS = 20;

/** One ingest: which file, where its images are, and where its rows go. */
export interface IngestRequest {
  datasetId: number;
  jobId: string;
  split: string;
  /** The annotation file: a real path or a `gs://` URL, already checked against the ingest roots. */
  annotationPath: string;
  /** The image folder: a real path or a `gs://` URL, already checked against the ingest roots. */
  imageDir: string;
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
  plugins: PluginRunner;
  /** Reads annotation files and images, from disk or a bucket. */
  storage: DatasetStorage;
  /** Image reads in flight at once per ingest (bucket fetches ahead of the workers). */
  imageReadConcurrency: number;
  /** WebP quality of the thumbnails. */
  quality: number;
  /** Images above this many pixels are refused undecoded. */
  maxPixels: number;
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
  image_count: number;
  annotation_count: number;
  category_count: number;
  thumbnails: { requested: number; generated: number; failed: number; bytes: number };
  /** Image failures by code (`IMAGE_MISSING`, `IMAGE_UNDECODABLE`, ...). */
  failures: Record<string, number>;
  /** Invalid records skipped under `on_invalid: "skip"`, by section (all 0 otherwise). */
  skipped: { images: number; annotations: number; categories: number };
  warnings: number;
  duration_ms: number;
  images_per_second: number;
  /** Thumbnails made per second of the thumbnail stage (first task queued to last one done); 0 without thumbnails. */
  thumbnails_per_second: number;
  /**
   * Where the time went, in milliseconds. Main-thread work: `read` (reading,
   * scanning and parsing the file, validating records), `store` (appending rows),
   * `backpressure` (the parser waiting for the worker pool), then
   * `thumbnails_tail` (waiting for the last thumbnails after the file ended) and
   * `commit`. `thumbnails` is the thumbnail stage's own span, which overlaps the rest.
   */
  timings_ms: { read: number; store: number; backpressure: number; thumbnails: number; thumbnails_tail: number; commit: number };
}

/** How many records a plugin batch holds at most. */
const PLUGIN_BATCH = 1000;

/**
 * Ingests one COCO annotation file into a dataset: streams the file once,
 * appends its records through one {@link DatasetWriter} transaction, feeds
 * thumbnail tasks to the worker pool as images go by, and commits — making the
 * split visible and the dataset `ready` — only when every record is valid and
 * every thumbnail task has finished. On any failure or abort nothing of this
 * ingest remains: its rows are rolled back and its thumbnails removed.
 */
export async function ingestDataset(
  request: IngestRequest,
  services: IngestServices,
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const { onProgress, onWarning } = options;
  const file = path.posix.basename(request.annotationPath);
  // Before anything is begun: a missing or forbidden file fails here, naming itself, with nothing to undo.
  const annotations = services.storage.storeFor(request.annotationPath);
  const annotationBytes = (await annotations.stat(request.annotationPath)).size;
  // Our own controller, so a parse error can stop the thumbnail tasks still in flight before cleanup.
  const local = new AbortController();
  const signal = AbortSignal.any([options.signal, local.signal]);
  // Every task in the pool's bounded queue listens on this signal: that many listeners is by design.
  setMaxListeners(0, signal);
  const categories = new Map<number, string>();
  let warnings = 0;
  const hooks = services.plugins.forIngest(
    { datasetId: request.datasetId, jobId: request.jobId, split: request.split },
    categories,
    (warning) => {
      warnings++;
      onWarning(warning);
    },
  );
  const writer = await DatasetWriter.begin(
    services.db,
    { datasetId: request.datasetId, jobId: request.jobId, split: request.split, file },
    services.ids,
  );
  const thumbs =
    request.thumbnails === 'none' || request.thumbnails === 0
      ? null
      : new ThumbnailStage(services.pool, services.store, {
          datasetId: request.datasetId,
          jobId: request.jobId,
          imageDir: request.imageDir,
          storage: services.storage,
          maxReads: services.imageReadConcurrency,
          quality: services.quality,
          maxPixels: services.maxPixels,
          signal,
          onProgress,
          onFailure: (failure) => writer.addImageFailure(failure),
        });
  const limit = typeof request.thumbnails === 'number' ? request.thumbnails : Infinity;
  const skipped = { images: 0, annotations: 0, categories: 0 };
  let skipWarnings = 0;
  const skip = (section: keyof typeof skipped, message: string | null) => {
    skipped[section]++;
    if (message === null || skipWarnings > SKIP_WARNINGS) return;
    warnings++;
    skipWarnings++;
    onWarning(
      skipWarnings <= SKIP_WARNINGS
        ? { stage: section, code: 'RECORD_SKIPPED', message: `skipped: ${message}` }
        : { stage: section, code: 'RECORD_SKIPPED', message: 'more invalid records skipped: counted in the complete event, not listed' },
    );
  };
  const skipping = request.onInvalid === 'skip';
  if (skipping) writer.skipInvalid(skip);
  const wantsBatches = services.plugins.wantsBatches;
  let pluginSamples: PluginSample[] = [];
  let pluginAnnotations: PluginAnnotation[] = [];
  const flushPluginBatch = async () => {
    if (pluginSamples.length === 0 && pluginAnnotations.length === 0) return;
    const batch = { samples: pluginSamples, annotations: pluginAnnotations };
    pluginSamples = [];
    pluginAnnotations = [];
    await hooks.batch(batch);
  };
  let info: Record<string, unknown> | null = null;
  let licenses: unknown[] | null = null;
  let bytesRead = 0;
  let bytesTotal: number | null = null;
  const parseStage = (stage: 'images' | 'annotations', current: number, total: number | null): StageProgress => ({
    stage,
    current,
    total,
    message: total === null ? `${current} ${stage} read` : `${total} ${stage}`,
    done: total !== null,
    bytes_read: bytesRead,
    bytes_total: bytesTotal,
  });
  let section: 'images' | 'annotations' | null = null;
  let categoriesSeen = false;
  const reader = readCocoFile(annotations.readChunks(request.annotationPath, { chunkBytes: READ_COCO_DEFAULTS.highWaterMark, signal }), {
    file,
    signal,
    totalBytes: annotationBytes,
    onProgress: (p) => {
      bytesRead = p.bytesRead;
      bytesTotal = p.totalBytes;
    },
    onInvalidRecord: skipping ? (section, error) => skip(section, error.message) : undefined,
  });
  // Timed per batch, not per record: a clock read per record would cost more than some of the work it times.
  let readMs = 0;
  let storeMs = 0;
  let backpressureMs = 0;
  try {
    await hooks.start();
    for (;;) {
      const batchStart = performance.now();
      const next = await reader.next();
      const batchRead = performance.now();
      readMs += batchRead - batchStart;
      if (next.done) break;
      let waited = 0;
      for (const event of next.value) {
        switch (event.kind) {
          case 'image': {
            section = 'images';
            const sample = writer.addImage(event.record, event.index);
            if (sample === null) break;
            if (thumbs && thumbs.submitted < limit) {
              if (thumbs.needsDrain) {
                const waitStart = performance.now();
                await thumbs.submit(sample);
                waited += performance.now() - waitStart;
              } else {
                await thumbs.submit(sample);
              }
            }
            if (wantsBatches) {
              pluginSamples.push({
                id: sample.id,
                coco_id: sample.cocoId,
                file_name: sample.fileName,
                width: sample.width,
                height: sample.height,
              });
            }
            break;
          }
          case 'annotation': {
            section = 'annotations';
            const r = event.record;
            writer.addAnnotation(r, event.index);
            if (wantsBatches) {
              pluginAnnotations.push({
                id: r.id,
                image_id: r.image_id,
                category_id: r.category_id,
                bbox: r.bbox,
                area: r.area,
                iscrowd: r.iscrowd,
                num_keypoints: r.num_keypoints,
              });
            }
            break;
          }
          case 'category':
            writer.addCategory(event.record, event.index);
            categories.set(event.record.id, event.record.name);
            break;
          case 'info':
            info = event.value;
            break;
          case 'licenses':
            licenses = event.value;
            break;
          case 'end':
            if (event.section === 'categories') {
              categoriesSeen = true;
              onProgress({ stage: 'categories', current: event.count, total: event.count, message: `${event.count} categories`, done: true });
            } else {
              onProgress(parseStage(event.section, event.count, event.count));
              if (event.section === 'images') thumbs?.setTotal(Math.min(event.count, limit));
              section = null;
            }
            break;
        }
      }
      if (section === 'images') onProgress(parseStage('images', writer.imageCount, null));
      else if (section === 'annotations') onProgress(parseStage('annotations', writer.annotationCount, null));
      if (pluginSamples.length + pluginAnnotations.length >= PLUGIN_BATCH) await flushPluginBatch();
      backpressureMs += waited;
      storeMs += performance.now() - batchRead - waited;
    }
    await flushPluginBatch();
    if (!categoriesSeen) {
      onProgress({ stage: 'categories', current: 0, total: 0, message: 'the file has no categories', done: true });
    }
    const parsed = performance.now();
    const thumbResult = thumbs ? await thumbs.finish() : { generated: 0, failed: 0, bytes: 0, failures: {}, spanMs: 0 };
    const thumbsDone = performance.now();
    if (!thumbs) {
      onProgress({ stage: 'thumbnails', current: 0, total: 0, message: 'thumbnails not requested', done: true });
    }
    // The whole-file rules may skip records (on_invalid: "skip"): the counts below come after them.
    await writer.checkWholeFile();
    const duration = performance.now() - started;
    const summary: IngestSummary = {
      dataset_id: request.datasetId,
      job_id: request.jobId,
      split: request.split,
      image_count: writer.imageCount,
      annotation_count: writer.annotationCount,
      category_count: writer.categoryCount,
      thumbnails: {
        requested: thumbs ? thumbs.submitted : 0,
        generated: thumbResult.generated,
        failed: thumbResult.failed,
        bytes: thumbResult.bytes,
      },
      failures: thumbResult.failures,
      skipped,
      warnings,
      duration_ms: Math.round(duration),
      images_per_second: perSecond(writer.imageCount, duration),
      thumbnails_per_second: perSecond(thumbResult.generated, thumbResult.spanMs),
      timings_ms: {
        read: Math.round(readMs),
        store: Math.round(storeMs),
        backpressure: Math.round(backpressureMs),
        thumbnails: Math.round(thumbResult.spanMs),
        thumbnails_tail: Math.round(thumbsDone - parsed),
        commit: 0,
      },
    };
    await writer.commit({ info, licenses, result: summary });
    summary.timings_ms.commit = Math.round(performance.now() - thumbsDone);
    summary.duration_ms = Math.round(performance.now() - started);
    summary.images_per_second = perSecond(writer.imageCount, summary.duration_ms);
    await hooks.complete(summary);
    return summary;
  } catch (err) {
    local.abort(err);
    await thumbs?.settled();
    await writer.rollback();
    // A cleanup that fails (the thumbnail folder itself may be what broke) must not hide why the ingest failed.
    await services.store.removeJob(request.datasetId, request.jobId).catch(() => undefined);
    throw err;
  } finally {
    await reader.return();
    await writer.close();
  }
}

/** `count` per second of `ms`, to one decimal; 0 for an empty span. */
function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count / ms) * 10_000) / 10 : 0;
}

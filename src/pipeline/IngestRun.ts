import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { AnnotationFormat } from '../formats/AnnotationFormat.js';
import { FormatResolver } from '../formats/FormatResolver.js';
import { ANNOTATION_FORMATS } from '../formats/formatRegistry.js';
import { READ_ANNOTATION_DEFAULTS, readAnnotationFile } from '../formats/readAnnotationFile.js';
import type { CocoEvent } from '../formats/records.js';
import type { IngestWarning, StageOptions } from '../progress/StageProgress.js';
import type { ImageHashes } from '../quality/ImageHashes.js';
import { DatasetWriter, type InTransaction } from './DatasetWriter.js';
import { ImageLocator } from './ImageLocator.js';
import type { IngestJobSide, IngestOptions, IngestRequest, IngestServices } from './IngestRequest.js';
import { IngestTimings } from './IngestTimings.js';
import { PanopticMaskStage } from './PanopticMaskStage.js';
import { ParseProgress } from './ParseProgress.js';
import { PluginBatcher } from './PluginBatcher.js';
import { RecordRouter } from './RecordRouter.js';
import { SkipReporter } from './SkipReporter.js';
import { ThumbnailStage, type ThumbnailStageOptions, type ThumbnailStageResult } from './ThumbnailStage.js';

const NO_THUMBNAILS: ThumbnailStageResult = { generated: 0, failed: 0, bytes: 0, failures: {}, spanMs: 0 };

/**
 * The parts of one ingest, wired together: the reader and its format
 * resolver, the router, the writer, the thumbnail and mask stages, and the
 * counters. {@link ingestDataset} drives it; each step is one method here.
 */
export class IngestRun {
  readonly writer: DatasetWriter;
  readonly resolver: FormatResolver;
  readonly skips: SkipReporter;
  readonly timings = new IngestTimings();
  warnings = 0;
  readonly #request: IngestRequest;
  readonly #services: IngestServices;
  readonly #options: IngestOptions;
  readonly #local: AbortController;
  readonly #thumbs: ThumbnailStage | null;
  readonly #masks: PanopticMaskStage | null;
  readonly #progress: ParseProgress;
  readonly #router: RecordRouter;
  readonly #reader: AsyncGenerator<CocoEvent[], void, undefined>;

  private constructor(
    request: IngestRequest,
    services: IngestServices,
    job: IngestJobSide,
    options: IngestOptions,
    parts: { writer: DatasetWriter; bytes: number; local: AbortController; signal: AbortSignal },
  ) {
    this.#request = request;
    this.#services = services;
    this.#options = options;
    this.#local = parts.local;
    this.writer = parts.writer;
    this.skips = new SkipReporter(this.#warn);
    if (request.onInvalid === 'skip') this.writer.skipInvalid(this.skips.skip);
    const file = path.posix.basename(request.annotationPath);
    const stages: StageOptions = { signal: parts.signal, onProgress: options.onProgress };
    this.#thumbs = thumbnailStage(request, services, stages, {
      onFailure: (failure) => this.writer.addImageFailure(failure),
      ...(request.hashes === false ? {} : { onHashes: (sampleId: number, hashes: ImageHashes) => this.writer.addHashes(sampleId, hashes) }),
    });
    this.#masks =
      request.maskDir === null
        ? null
        : new PanopticMaskStage(services.pool, this.writer, { ...stages, maskDir: request.maskDir, storage: services.storage, maxPixels: services.maxPixels });
    this.resolver = new FormatResolver(ANNOTATION_FORMATS, file);
    this.#progress = new ParseProgress(options.onProgress, parts.bytes);
    this.#router = new RecordRouter({
      file,
      writer: this.writer,
      thumbnails: this.#thumbs,
      thumbnailLimit: typeof request.thumbnails === 'number' ? request.thumbnails : Infinity,
      masks: this.#masks,
      plugins: new PluginBatcher(job.hooks.wantsBatches ? job.hooks.batch : null),
      categories: job.categories,
      progress: this.#progress,
      locate: new ImageLocator(services.storage, request.imageDir, () => this.resolver.format).locate,
    });
    const store = services.storage.storeFor(request.annotationPath);
    this.#reader = readAnnotationFile(store.readChunks(request.annotationPath, { chunkBytes: READ_ANNOTATION_DEFAULTS.highWaterMark, signal: parts.signal }), {
      file,
      signal: parts.signal,
      resolver: this.resolver,
      totalBytes: parts.bytes,
      onProgress: this.#progress.bytes,
      onInvalidRecord: request.onInvalid === 'skip' ? this.skips.invalid : undefined,
      parser: services.parser ?? null,
    });
  }

  /**
   * Checks the annotation file is there (a missing or forbidden one fails here,
   * naming itself, with nothing to undo), then opens the writer's transaction
   * and wires the parts. Call {@link close} in `finally`.
   */
  static async open(request: IngestRequest, services: IngestServices, job: IngestJobSide, options: IngestOptions): Promise<IngestRun> {
    const bytes = (await services.storage.storeFor(request.annotationPath).stat(request.annotationPath)).size;
    // Our own controller, so a parse error can stop the tasks still in flight before cleanup.
    const local = new AbortController();
    const signal = AbortSignal.any([options.signal, local.signal]);
    // Every task in the pool's bounded queue listens on this signal: that many listeners is by design.
    setMaxListeners(0, signal);
    const file = path.posix.basename(request.annotationPath);
    const writer = await DatasetWriter.begin(services.db, { datasetId: request.datasetId, jobId: request.jobId, split: request.split, file }, services.ids);
    return new IngestRun(request, services, job, options, { writer, bytes, local, signal });
  }

  /** `info` and `licenses`, as the file had them. */
  get metadata(): { info: unknown; licenses: unknown } {
    return { info: this.#router.info, licenses: this.#router.licenses };
  }

  /** Mask failures by code (panoptic). */
  get maskFailures(): Record<string, number> {
    return this.#masks?.failures ?? {};
  }

  /** Reads the file to its end, routing each batch (timed: reading, storing, waiting for the workers). */
  async readAll(): Promise<void> {
    for (;;) {
      const next = await this.timings.reading(() => this.#reader.next());
      if (next.done) break;
      await this.timings.storing(() => this.#router.route(next.value));
    }
    await this.#router.finish();
    this.#progress.finish();
  }

  /** Waits for the masks and thumbnails still being made. */
  async finishStages(): Promise<ThumbnailStageResult & { requested: number }> {
    await this.#masks?.finish();
    if (!this.#thumbs) {
      this.#options.onProgress({ stage: 'thumbnails', current: 0, total: 0, message: 'thumbnails not requested', done: true });
      return { ...NO_THUMBNAILS, requested: 0 };
    }
    return { ...(await this.#thumbs.finish()), requested: this.#thumbs.submitted };
  }

  /** The format the file turned out to be in (the default of its root when it held no records). */
  get format(): AnnotationFormat {
    return this.resolver.format ?? ANNOTATION_FORMATS.find((f) => f.root === 'object' && !f.recognises)!;
  }

  /** Applies the format's whole-file rules. */
  checkWholeFile(): Promise<void> {
    return this.writer.checkWholeFile(this.format.rules);
  }

  /** Commits the rows together with the job's own (`inTransaction`). */
  commit(inTransaction: InTransaction): Promise<void> {
    return this.writer.commit(this.format.rules, inTransaction);
  }

  /** After a failure: stops the tasks in flight, rolls back, removes the job's thumbnails. */
  async abandon(reason: unknown): Promise<void> {
    this.#local.abort(reason);
    await Promise.all([this.#thumbs?.settled(), this.#masks?.settled()]);
    await this.writer.rollback();
    // A cleanup that fails (the thumbnail folder itself may be what broke) must not hide why the ingest failed.
    await this.#services.store.removeJob(this.#request.datasetId, this.#request.jobId).catch(() => undefined);
  }

  /** Closes the file and the writer's connection. */
  async close(): Promise<void> {
    await this.#reader.return();
    await this.writer.close();
  }

  readonly #warn = (warning: IngestWarning): void => {
    this.warnings++;
    this.#options.onWarning(warning);
  };
}

/** The thumbnail stage of a request, or null when it asks for none. */
function thumbnailStage(
  request: IngestRequest,
  services: IngestServices,
  stages: StageOptions,
  callbacks: Pick<ThumbnailStageOptions, 'onFailure' | 'onHashes'>,
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
    effort: services.effort,
    maxPixels: services.maxPixels,
    ...callbacks,
  });
}

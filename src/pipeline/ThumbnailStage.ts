import { AppError } from '../errors.js';
import type { StageOptions } from '../progress/StageProgress.js';
import type { ImageHashes } from '../quality/ImageHashes.js';
import type { DatasetStorage, ImageReadFailure } from '../storage/DatasetStorage.js';
import type { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import { raceAbort } from '../util/raceAbort.js';
import type { ThumbnailResult, ThumbnailSource } from '../workers/messages.js';
import type { ThumbnailBackend } from '../workers/ThumbnailBackend.js';
import { THUMBNAIL_DEFAULTS } from '../workers/thumbnailDefaults.js';
import type { ImageFailure, WrittenSample } from './DatasetWriter.js';
import { MAX_STORE_FAILURES_IN_ROW, StoreFailureStreak } from './StoreFailureStreak.js';

/** Options of {@link ThumbnailStage}. */
export interface ThumbnailStageOptions extends StageOptions {
  datasetId: number;
  jobId: string;
  /** The image folder, a path or a URL prefix already checked against the ingest roots; null: images by URL. */
  imageDir: string | null;
  /** Reads the images. */
  storage: DatasetStorage;
  /**
   * Image reads in flight at once (fetches from a bucket, ahead of the workers);
   * default 16. Local images are read by the workers themselves and take no slot for long.
   */
  maxReads?: number;
  /** WebP quality; default 80. */
  quality?: number;
  /** WebP effort, 0-6; default the worker's (2). */
  effort?: number;
  /** Pixel limit above which an image is refused undecoded; default 100,000,000. */
  maxPixels?: number;
  /** Called on the main thread for each image that failed. */
  onFailure: (failure: ImageFailure) => void;
  /**
   * Called on the main thread with each decoded image's hashes (content and
   * perceptual, for duplicates). Absent: the workers compute none.
   */
  onHashes?: (sampleId: number, hashes: ImageHashes) => void;
  /**
   * Images in a row whose store failed (no answer, errors after retries, access
   * refused) before the ingest stops with `IMAGE_SOURCE_UNAVAILABLE` rather than
   * recording every remaining image as unreadable, one timeout at a time.
   * Default {@link MAX_STORE_FAILURES_IN_ROW} (32).
   */
  maxStoreFailuresInRow?: number;
}

/** What the thumbnail stage made. */
export interface ThumbnailStageResult {
  generated: number;
  failed: number;
  bytes: number;
  /** Failures by code. */
  failures: Record<string, number>;
  /** From the first task queued to the last one done, in ms. */
  spanMs: number;
}

/**
 * The thumbnail stage: hands each sample to the worker pool as the parser meets
 * it, so decoding overlaps parsing. An image in a bucket is fetched first, and
 * up to `maxReads` fetches run at once, ahead of a full pool, so that network
 * latency does not leave workers idle; the fetched bytes are moved to the
 * worker, not copied. {@link submit} waits while the pool's queue is full (local
 * images) or `maxReads` images are in flight or queued beyond it (fetched ones)
 * — that wait is what holds the parser back (backpressure) — and
 * {@link finish} waits for the tasks still in flight.
 */
export class ThumbnailStage {
  readonly #pool: ThumbnailBackend;
  readonly #store: ThumbnailStore;
  readonly #options: ThumbnailStageOptions;
  readonly #failuresByCode: Record<string, number> = {};
  #total: number | null = null;
  #submitted = 0;
  #done = 0;
  #failed = 0;
  #bytes = 0;
  #inFlight = 0;
  #reading = 0;
  readonly #maxReads: number;
  readonly #fetches: boolean;
  // Everyone waiting for a read or upload slot; all are woken when one frees, and each checks again.
  readonly #slotWaiters = new Set<() => void>();
  #idle: (() => void) | null = null;
  #firstError: unknown = null;
  readonly #storeFailures: StoreFailureStreak;
  #firstSubmit = 0;
  #lastDone = 0;

  constructor(pool: ThumbnailBackend, store: ThumbnailStore, options: ThumbnailStageOptions) {
    this.#pool = pool;
    this.#store = store;
    this.#options = options;
    this.#maxReads = options.maxReads ?? THUMBNAIL_DEFAULTS.imageReads;
    // A backend that reads images itself is sent where they are, not their bytes.
    this.#fetches = !pool.readsImages && options.storage.fetchesImages(options.imageDir);
    this.#storeFailures = new StoreFailureStreak(options.maxStoreFailuresInRow);
  }

  get submitted(): number {
    return this.#submitted;
  }

  /** True when the next {@link submit} will wait, for the pool or for a read slot. */
  get needsDrain(): boolean {
    if (this.#reading >= this.#maxReads) return true;
    if (!this.#fetches) return this.#pool.needsDrain;
    // Fetches run ahead of a full pool, so that their latency never leaves a worker
    // waiting: what is in flight plus what waits beyond the pool's capacity stays
    // within maxReads images.
    return this.#pool.excess + this.#reading >= this.#maxReads;
  }

  /** Sets the stage's total once it is known (after the `images` array ended). */
  setTotal(total: number): void {
    this.#total = total;
    this.#report();
  }

  /** Queues one sample's `medium` thumbnail, waiting first while the pool is saturated or every read slot is taken. */
  async submit(sample: WrittenSample): Promise<void> {
    const { signal } = this.#options;
    if (this.#firstError) throw this.#firstError;
    while (this.needsDrain) {
      if (this.#reading >= this.#maxReads) await this.#readSlot(signal);
      else if (this.#fetches) await this.#pool.waitForSettled(signal);
      else await this.#pool.waitForDrain(signal);
    }
    signal.throwIfAborted();
    if (this.#submitted++ === 0) this.#firstSubmit = performance.now();
    this.#inFlight++;
    this.#reading++;
    this.#thumbnail(sample)
      .catch((err: unknown) => {
        this.#firstError ??= err;
      })
      .finally(() => {
        if (--this.#inFlight === 0) this.#idle?.();
      });
  }

  async #thumbnail(sample: WrittenSample): Promise<void> {
    const { signal, storage, imageDir } = this.#options;
    const maxPixels = this.#options.maxPixels ?? THUMBNAIL_DEFAULTS.maxPixels;
    let source: Awaited<ReturnType<DatasetStorage['imageSource']>> | ThumbnailSource;
    try {
      source = this.#pool.readsImages
        ? { kind: 'stored', imageDir, location: sample.location }
        : await storage.imageSource(imageDir, sample.location, { signal, maxPixels });
    } finally {
      this.#releaseSlot();
    }
    if ('ok' in source) {
      this.#settle(sample, source);
      return;
    }
    const ref = { datasetId: this.#options.datasetId, jobId: this.#options.jobId, sampleId: sample.id };
    const result = await this.#pool.run(
      {
        source,
        outputs: [this.#store.outputFor(ref, 'medium')],
        quality: this.#options.quality ?? THUMBNAIL_DEFAULTS.quality,
        ...(this.#options.effort === undefined ? {} : { effort: this.#options.effort }),
        maxPixels,
        ...(this.#options.onHashes ? { hashes: true } : {}),
      },
      { signal, jobId: this.#options.jobId },
    );
    const data = result.ok ? result.outputs[0]?.data : undefined;
    if (data) {
      // Stored by this thread (a bucket): an upload takes a slot, as a read does.
      while (this.#reading >= this.#maxReads) await this.#readSlot(signal);
      this.#reading++;
      try {
        await this.#store.put(ref, 'medium', data);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        this.#settle(sample, { ok: false, code: 'THUMBNAIL_WRITE_FAILED', message: `${sample.location}: ${(err as Error).message}` });
        return;
      } finally {
        this.#releaseSlot();
      }
    }
    this.#settle(sample, result);
  }

  async #readSlot(signal: AbortSignal): Promise<void> {
    let wake!: () => void;
    const freed = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.#slotWaiters.add(wake);
    try {
      await raceAbort(freed, signal);
    } finally {
      this.#slotWaiters.delete(wake);
    }
  }

  #releaseSlot(): void {
    this.#reading--;
    for (const wake of this.#slotWaiters) wake();
    this.#slotWaiters.clear();
  }

  /** Waits for every submitted task; returns the stage's counts, and its span from first task queued to last one done. */
  async finish(): Promise<ThumbnailStageResult> {
    const { signal } = this.#options;
    if (this.#inFlight > 0) {
      const idle = new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
      try {
        await raceAbort(idle, signal);
      } finally {
        this.#idle = null;
      }
    }
    signal.throwIfAborted();
    if (this.#firstError) throw this.#firstError;
    this.#total = this.#submitted;
    this.#options.onProgress({
      stage: 'thumbnails',
      current: this.#done,
      total: this.#submitted,
      failed: this.#failed,
      message: `${this.#done - this.#failed} thumbnails made, ${this.#failed} failed`,
      done: true,
    });
    return {
      generated: this.#done - this.#failed,
      failed: this.#failed,
      bytes: this.#bytes,
      failures: { ...this.#failuresByCode },
      spanMs: this.#submitted > 0 ? this.#lastDone - this.#firstSubmit : 0,
    };
  }

  #settle(sample: WrittenSample, result: ThumbnailResult | ImageReadFailure): void {
    this.#done++;
    this.#lastDone = performance.now();
    const unavailable = this.#storeFailures.record(result, this.#options.imageDir ?? 'their URLs');
    if (result.ok) {
      for (const output of result.outputs) this.#bytes += output.bytes;
      if (result.hashes) this.#options.onHashes?.(sample.id, result.hashes);
    } else if (result.code === 'THUMBNAIL_WRITE_FAILED') {
      // Not the image's fault: the thumbnail folder is unwritable or the disk is
      // full, and every image after this one would fail the same way.
      this.#firstError ??= new AppError('THUMBNAIL_STORAGE_FAILED', `thumbnails cannot be written to ${this.#store.description}: ${result.message}`);
    } else {
      this.#failed++;
      this.#failuresByCode[result.code] = (this.#failuresByCode[result.code] ?? 0) + 1;
      this.#options.onFailure({ sampleId: sample.id, code: result.code, message: result.message });
      if (unavailable) this.#firstError ??= unavailable;
    }
    this.#report();
  }

  /** Waits until no task is in flight, whatever their outcome (used before cleaning up after a failure). */
  async settled(): Promise<void> {
    while (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    this.#idle = null;
  }

  #report(): void {
    this.#options.onProgress({
      stage: 'thumbnails',
      current: this.#done,
      total: this.#total,
      failed: this.#failed,
      message: `${this.#done} of ${this.#total ?? '?'} thumbnails`,
    });
  }
}

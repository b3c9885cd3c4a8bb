import type { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import { THUMBNAIL_SIZES } from '../thumbnails/ThumbnailStore.js';
import type { ThumbnailPool } from '../workers/ThumbnailPool.js';
import type { ThumbnailResult } from '../workers/messages.js';
import type { ImageFailure, WrittenSample } from './DatasetWriter.js';
import type { StageOptions } from './progress.js';
import { AppError } from '../errors.js';
import { raceAbort } from '../util/raceAbort.js';
import { resolveImagePath } from './resolveImagePath.js';

/** Options of {@link ThumbnailStage}. */
export interface ThumbnailStageOptions extends StageOptions {
  datasetId: number;
  jobId: string;
  imageDir: string;
  /** WebP quality; default 80. */
  quality?: number;
  /** Pixel limit above which an image is refused undecoded; default 100,000,000. */
  maxPixels?: number;
  /** Called on the main thread for each image that failed. */
  onFailure: (failure: ImageFailure) => void;
}

/**
 * The thumbnail stage: hands each sample to the worker pool as the parser meets
 * it, so decoding overlaps parsing. {@link submit} waits while the pool's queue is
 * full — that wait is what holds the parser back (backpressure) — and
 * {@link finish} waits for the tasks still in flight.
 */
export class ThumbnailStage {
  readonly #pool: ThumbnailPool;
  readonly #store: ThumbnailStore;
  readonly #options: ThumbnailStageOptions;
  readonly #failuresByCode: Record<string, number> = {};
  #total: number | null = null;
  #submitted = 0;
  #done = 0;
  #failed = 0;
  #bytes = 0;
  #inFlight = 0;
  #idle: (() => void) | null = null;
  #firstError: unknown = null;
  #firstSubmit = 0;
  #lastDone = 0;

  constructor(pool: ThumbnailPool, store: ThumbnailStore, options: ThumbnailStageOptions) {
    this.#pool = pool;
    this.#store = store;
    this.#options = options;
  }

  get submitted(): number {
    return this.#submitted;
  }

  /** True when the next {@link submit} will wait for the pool. */
  get needsDrain(): boolean {
    return this.#pool.needsDrain;
  }

  /** Sets the stage's total once it is known (after the `images` array ended). */
  setTotal(total: number): void {
    this.#total = total;
    this.#report();
  }

  /** Queues one sample's `medium` thumbnail, waiting first while the pool is saturated. */
  async submit(sample: WrittenSample): Promise<void> {
    const { signal } = this.#options;
    if (this.#firstError) throw this.#firstError;
    if (this.#pool.needsDrain) await this.#pool.waitForDrain(signal);
    signal.throwIfAborted();
    if (this.#submitted++ === 0) this.#firstSubmit = performance.now();
    const source = resolveImagePath(this.#options.imageDir, sample.fileName);
    if (source === null) {
      this.#settle(sample, {
        ok: false,
        code: 'IMAGE_REFUSED',
        message: `${sample.fileName}: file_name leaves the image folder; not read`,
      });
      return;
    }
    const ref = { datasetId: this.#options.datasetId, jobId: this.#options.jobId, sampleId: sample.id };
    this.#inFlight++;
    this.#pool
      .run(
        {
          source: { kind: 'path', path: source, within: this.#options.imageDir },
          outputs: [{ size: THUMBNAIL_SIZES.medium, path: this.#store.pathFor(ref, 'medium') }],
          quality: this.#options.quality ?? 80,
          maxPixels: this.#options.maxPixels ?? 100_000_000,
        },
        { signal },
      )
      .then(
        (result: ThumbnailResult) => this.#settle(sample, result),
        (err: unknown) => {
          this.#firstError ??= err;
        },
      )
      .finally(() => {
        if (--this.#inFlight === 0) this.#idle?.();
      });
  }

  /** Waits for every submitted task; returns the stage's counts, and its span from first task queued to last one done. */
  async finish(): Promise<{ generated: number; failed: number; bytes: number; failures: Record<string, number>; spanMs: number }> {
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

  #settle(sample: WrittenSample, result: ThumbnailResult | { ok: false; code: string; message: string }): void {
    this.#done++;
    this.#lastDone = performance.now();
    if (result.ok) {
      for (const output of result.outputs) this.#bytes += output.bytes;
    } else if (result.code === 'THUMBNAIL_WRITE_FAILED') {
      // Not the image's fault: the thumbnail folder is unwritable or the disk is
      // full, and every image after this one would fail the same way.
      this.#firstError ??= new AppError(
        'THUMBNAIL_STORAGE_FAILED',
        `thumbnails cannot be written under DATA_DIR/thumbnails: ${result.message}`,
        { status: 507, expose: true },
      );
    } else {
      this.#failed++;
      this.#failuresByCode[result.code] = (this.#failuresByCode[result.code] ?? 0) + 1;
      this.#options.onFailure({ sampleId: sample.id, code: result.code, message: result.message });
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

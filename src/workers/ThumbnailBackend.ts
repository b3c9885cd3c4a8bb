import type { MaskResult, MaskTask, ThumbnailResult, ThumbnailTask } from './messages.js';

/** Options of one task. */
export interface ThumbnailTaskOptions {
  /** Aborting drops the task if queued, or stops it if running. */
  signal?: AbortSignal;
  /**
   * The ingest job the task belongs to. A backend that batches (the queue) puts
   * only one job's tasks in a batch, and cancels by job. Default: none.
   */
  jobId?: string;
}

/**
 * Where image work runs: thumbnails and panoptic masks, with room for a
 * producer to wait on. The local piscina pool ({@link ThumbnailPool}) is one;
 * a queue feeding worker processes on other machines is another. The stages
 * and the thumbnail store depend on this, never on a particular backend.
 */
export interface ThumbnailBackend {
  /**
   * True when the backend reads the images itself, from where they are stored:
   * tasks come with `stored` sources (a folder and a name), never bytes, since
   * its workers may be on other machines. False for the pool, which is handed a
   * path or bytes already fetched.
   */
  readonly readsImages: boolean;
  /** Makes one image's thumbnails; failures resolve as `{ ok: false, code, message }`. */
  run(task: ThumbnailTask, options?: ThumbnailTaskOptions): Promise<ThumbnailResult>;
  /** Cuts one panoptic PNG's segments into RLE masks; failures resolve as `{ ok: false, code, message }`. */
  runMasks(task: MaskTask, options?: ThumbnailTaskOptions): Promise<MaskResult>;
  /** True when the backend holds all it should: a producer should {@link waitForDrain}. */
  readonly needsDrain: boolean;
  /** Tasks beyond its capacity: those queued without waiting. */
  readonly excess: number;
  /** Resolves once there is room again. @throws an `AbortError` when `signal` aborts first. */
  waitForDrain(signal?: AbortSignal): Promise<void>;
  /** Resolves when the next task settles. @throws an `AbortError` when `signal` aborts first. */
  waitForSettled(signal?: AbortSignal): Promise<void>;
}

import { AppError, abortError, invalidRequest } from '../errors.js';
import { type ImageReadFailure, imageError } from '../storage/DatasetStorage.js';
import type { ThumbnailSource, ThumbnailTask } from '../workers/messages.js';
import type { ThumbnailBackend } from '../workers/ThumbnailBackend.js';
import { THUMBNAIL_DEFAULTS } from '../workers/thumbnailDefaults.js';
import type { ThumbnailPlace } from './ThumbnailPlace.js';

/**
 * Where the image to make a thumbnail from is: given outright, or found only
 * when the thumbnail turns out to be missing (a bucket fetch is not worth making
 * for a thumbnail already on disk).
 */
export type ImageSourceLoader = ThumbnailSource | ((signal: AbortSignal) => Promise<ThumbnailSource | ImageReadFailure>);

/** Thumbnail sizes: the longer side, in pixels. */
export const THUMBNAIL_SIZES = { small: 128, medium: 256, large: 512 } as const;

/** A named thumbnail size. */
export type ThumbnailSize = keyof typeof THUMBNAIL_SIZES;

/** Which sample's thumbnail, and the job that ingested it. */
export interface ThumbnailRef {
  datasetId: number;
  jobId: string;
  sampleId: number;
}

/** A stored thumbnail. */
export interface ThumbnailFile {
  /** `<dataset>/<job>/<size>/<sample>.webp` */
  key: string;
  /** Where it is: a path, or a `gs://` URL under THUMBNAIL_BUCKET. */
  location: string;
  /** Size in bytes. */
  size: number;
  mtimeMs: number;
}

/** Options of {@link ThumbnailStore}. */
export interface ThumbnailStoreOptions {
  /** Where thumbnails are kept: a folder (`LocalThumbnailPlace`, `DATA_DIR/thumbnails`) or a bucket. Required. */
  place: ThumbnailPlace;
  /** Makes the thumbnails that are missing. */
  pool: ThumbnailBackend;
  /** WebP quality, 1-100. Default 80. */
  quality?: number;
  /** WebP effort, 0-6. Default the worker's (2). */
  effort?: number;
  /** Images above this many pixels are refused undecoded. Default 100,000,000. */
  maxPixels?: number;
  /** On-demand generations allowed at once; past it `get()` answers 503 `THUMBNAIL_BUSY`. Default 64. */
  maxPending?: number;
}

const DEFAULTS = { ...THUMBNAIL_DEFAULTS, maxPending: 64 } as const;

const JOB_ID = /^[A-Za-z0-9-]+$/;

/** One lookup in flight (a stat, then a generation if the file is missing), shared by every `get()` of that file. */
interface Lookup {
  promise: Promise<ThumbnailFile>;
  controller: AbortController;
  waiters: number;
}

/**
 * The thumbnail cache, on disk or in a bucket ({@link ThumbnailPlace}), laid out
 * as `<datasetId>/<jobId>/<size>/<sampleId>.webp`: the job id is part of the key
 * so that a failed or interrupted job's thumbnails go as one prefix. Missing
 * thumbnails are made on demand through the pool, once however many requests
 * ask for them at the same time.
 */
export class ThumbnailStore {
  readonly #place: ThumbnailPlace;
  readonly #pool: ThumbnailBackend;
  readonly #quality: number;
  readonly #effort: number | undefined;
  readonly #maxPending: number;
  readonly #maxPixels: number;
  // By key. A lookup is registered synchronously in get(), so concurrent
  // requests for one file always meet, even while its stat is still running.
  readonly #lookups = new Map<string, Lookup>();
  #generating = 0;

  constructor(options: ThumbnailStoreOptions) {
    this.#place = options.place;
    this.#pool = options.pool;
    this.#quality = options.quality ?? DEFAULTS.quality;
    this.#effort = options.effort;
    this.#maxPixels = options.maxPixels ?? DEFAULTS.maxPixels;
    this.#maxPending = options.maxPending ?? DEFAULTS.maxPending;
  }

  /** Where thumbnails are kept, for messages. */
  get description(): string {
    return this.#place.description;
  }

  /**
   * A thumbnail's key (whether or not it exists yet).
   * @throws AppError `INVALID_REQUEST` (400) for ids or a size that could name something outside the cache.
   */
  keyFor(ref: ThumbnailRef, size: ThumbnailSize): string {
    if (!Object.hasOwn(THUMBNAIL_SIZES, size)) {
      throw invalidRequest(`thumbnail size ${JSON.stringify(size)} is not one of ${Object.keys(THUMBNAIL_SIZES).join(', ')}`);
    }
    return `${this.#jobPrefix(ref.datasetId, ref.jobId)}/${size}/${checkId(ref.sampleId, 'sample id')}.webp`;
  }

  /** Where a thumbnail lives (a path or a `gs://` URL), whether or not it exists yet. */
  pathFor(ref: ThumbnailRef, size: ThumbnailSize): string {
    return this.#place.locationOf(this.keyFor(ref, size));
  }

  /**
   * The output a worker task gets for this thumbnail: a path to write, or null
   * to hand the bytes back for {@link put}; and its key, for a worker process
   * that writes to its own place.
   */
  outputFor(ref: ThumbnailRef, size: ThumbnailSize): { size: number; path: string | null; key: string } {
    const key = this.keyFor(ref, size);
    return { size: THUMBNAIL_SIZES[size], path: this.#place.workerPath(key), key };
  }

  /** Stores thumbnail bytes a worker handed back. */
  async put(ref: ThumbnailRef, size: ThumbnailSize, bytes: Uint8Array): Promise<void> {
    await this.#place.put(this.keyFor(ref, size), bytes);
  }

  /** A stored thumbnail's bytes. @throws AppError `OBJECT_NOT_FOUND` when it has gone since it was found. */
  read(file: ThumbnailFile): Promise<Buffer> {
    return this.#place.read(file.key);
  }

  /**
   * The thumbnail's file, made from `source` first if it is not on disk yet.
   * Concurrent calls for the same thumbnail share one generation, which is
   * abandoned only when every caller waiting for it has aborted.
   * @throws AppError `THUMBNAIL_BUSY` (503, `details.retry_after` 1 s) when
   *   `maxPending` generations are already running; the worker's code when the
   *   generation fails (statuses in `ERROR_CODES`).
   * @throws an `AbortError` when `options.signal` aborts.
   */
  async get(ref: ThumbnailRef, size: ThumbnailSize, source: ImageSourceLoader, options: { signal?: AbortSignal } = {}): Promise<ThumbnailFile> {
    const key = this.keyFor(ref, size);
    const { signal } = options;
    if (signal?.aborted) throw abortError('the thumbnail request was aborted', signal.reason);
    const current = this.#lookups.get(key);
    // One abandoned by all its callers is on its way out: start afresh.
    const lookup = current && !current.controller.signal.aborted ? current : this.#lookup(key, THUMBNAIL_SIZES[size], source);
    return this.#wait(lookup, signal);
  }

  /** Deletes one job's thumbnails. */
  async removeJob(datasetId: number, jobId: string): Promise<void> {
    await this.#place.remove(this.#jobPrefix(datasetId, jobId));
  }

  /** Deletes every thumbnail of a dataset. */
  async removeDataset(datasetId: number): Promise<void> {
    await this.#place.remove(String(checkId(datasetId, 'dataset id')));
  }

  #jobPrefix(datasetId: number, jobId: string): string {
    if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) {
      throw invalidRequest(`job id ${JSON.stringify(jobId)} must be letters, digits and dashes`);
    }
    return `${checkId(datasetId, 'dataset id')}/${jobId}`;
  }

  async #existing(key: string): Promise<ThumbnailFile | null> {
    const stored = await this.#place.stat(key);
    return stored && { key, location: this.#place.locationOf(key), ...stored };
  }

  #lookup(key: string, longSide: number, source: ImageSourceLoader): Lookup {
    const controller = new AbortController();
    const promise = (async (): Promise<ThumbnailFile> => {
      try {
        const cached = await this.#existing(key);
        if (cached) return cached;
        if (controller.signal.aborted) throw abortError('the thumbnail request was aborted', controller.signal.reason);
        return await this.#generate(key, longSide, source, controller.signal);
      } finally {
        // Unless a fresh lookup has already replaced this abandoned one.
        if (this.#lookups.get(key)?.controller === controller) this.#lookups.delete(key);
      }
    })();
    // Each waiter observes the outcome; this keeps an abandoned lookup's from being an unhandled rejection.
    promise.catch(() => undefined);
    const lookup: Lookup = { promise, controller, waiters: 0 };
    this.#lookups.set(key, lookup);
    return lookup;
  }

  async #generate(key: string, longSide: number, loader: ImageSourceLoader, signal: AbortSignal): Promise<ThumbnailFile> {
    if (this.#generating >= this.#maxPending) {
      throw new AppError('THUMBNAIL_BUSY', 'too many thumbnails are being made right now; retry shortly', { details: { retry_after: 1 } });
    }
    this.#generating++;
    try {
      const source = typeof loader === 'function' ? await loader(signal) : loader;
      if ('ok' in source) throw imageError(source);
      const output = { size: longSide, path: this.#place.workerPath(key) };
      const task: ThumbnailTask = {
        source,
        outputs: [output],
        quality: this.#quality,
        ...(this.#effort === undefined ? {} : { effort: this.#effort }),
        maxPixels: this.#maxPixels,
      };
      const result = await this.#pool.run(task, { signal });
      if (!result.ok) throw new AppError(result.code, result.message);
      const data = result.outputs[0]?.data;
      if (data) {
        await this.#place.put(key, data).catch((err: unknown) => {
          throw new AppError('THUMBNAIL_WRITE_FAILED', `${key}: cannot be stored in ${this.#place.description}`, { cause: err });
        });
        return { key, location: this.#place.locationOf(key), size: data.byteLength, mtimeMs: Date.now() };
      }
      const made = await this.#existing(key);
      if (!made) throw new AppError('THUMBNAIL_WRITE_FAILED', `${key}: the thumbnail vanished after it was written`);
      return made;
    } finally {
      this.#generating--;
    }
  }

  async #wait(lookup: Lookup, signal: AbortSignal | undefined): Promise<ThumbnailFile> {
    lookup.waiters++;
    let onAbort: (() => void) | undefined;
    try {
      if (!signal) return await lookup.promise;
      return await Promise.race([
        lookup.promise,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(abortError('the thumbnail request was aborted', signal.reason));
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      // The last caller to give up stops the work nobody waits for any more.
      if (--lookup.waiters === 0 && signal?.aborted) lookup.controller.abort(signal.reason);
    }
  }
}

function checkId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 0) throw invalidRequest(`${what} ${JSON.stringify(id)} must be a whole number`);
  return id;
}

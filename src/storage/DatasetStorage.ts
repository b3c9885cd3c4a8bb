import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { AppError, forbiddenPath, invalidRequest } from '../errors.js';
import { resolveImagePath } from './resolveImagePath.js';
import { maxImageBytes } from '../workers/maxImageBytes.js';
import type { ImageErrorCode, ThumbnailSource } from '../workers/messages.js';
import { BucketGuard } from './BucketGuard.js';
import { GcsObjectStore, type GcsObjectStoreOptions } from './GcsObjectStore.js';
import { parseGsUrl } from './gsUrl.js';
import { LocalFileStore } from './LocalFileStore.js';
import type { ObjectStat, ObjectStore } from './ObjectStore.js';
import { PathGuard } from './PathGuard.js';

/** An image that could not be read, in the shape the worker reports its failures. */
export interface ImageReadFailure {
  ok: false;
  code: ImageErrorCode;
  message: string;
  /**
   * True when the store failed rather than the image: it did not answer in time,
   * answered errors after retries, or refused access. Many in a row mean the
   * store, not the dataset, is the problem.
   */
  storeFailed?: boolean;
}

/** Options of {@link DatasetStorage}. */
export interface DatasetStorageOptions {
  /** INGEST_ROOTS: local directories and `gs://bucket/prefix` entries. Required. */
  roots: readonly string[];
  /** How to reach Cloud Storage. Default: Google's endpoint with Application Default Credentials. */
  gcs?: GcsObjectStoreOptions;
}

/**
 * Where datasets live: local paths and `gs://` URLs, each served by its
 * {@link ObjectStore} and chosen by scheme. This is the one place that knows
 * there are two: it checks what a request names against INGEST_ROOTS, finds an
 * image's location from its folder and `file_name`, and hands the pipeline and
 * the routes a store, or an image ready for a worker.
 */
export class DatasetStorage {
  readonly #local = new LocalFileStore();
  readonly #paths: PathGuard;
  readonly #buckets: BucketGuard;
  readonly #gcsOptions: GcsObjectStoreOptions;
  #gcs: GcsObjectStore | null = null;

  constructor(options: DatasetStorageOptions) {
    this.#paths = new PathGuard(options.roots.filter((root) => !isGs(root)));
    this.#buckets = new BucketGuard(options.roots.filter(isGs));
    this.#gcsOptions = options.gcs ?? {};
  }

  /** The store that reads `location`. */
  storeFor(location: string): ObjectStore {
    return isGs(location) ? this.bucketStore() : this.#local;
  }

  /** The Cloud Storage store, which can also write (thumbnails under THUMBNAIL_BUCKET). */
  bucketStore(): GcsObjectStore {
    // Made on first use, so a service that never reads a bucket never looks for credentials.
    this.#gcs ??= new GcsObjectStore(this.#gcsOptions);
    return this.#gcs;
  }

  /**
   * Checks a client-given path or `gs://` URL against INGEST_ROOTS and that it is
   * there, and returns the location to read: a real path, or the URL (a folder's
   * without its trailing slash).
   * @throws AppError 403 `PATH_FORBIDDEN` outside the roots; 400 `INVALID_REQUEST`
   *   when malformed, missing, empty (a bucket folder) or of the wrong kind; the
   *   store's error, prefixed with the field, when the store refuses or fails.
   */
  async resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string> {
    if (!isGs(given)) return this.#paths.resolve(field, given, kind);
    try {
      parseGsUrl(given);
    } catch (err) {
      throw invalidRequest(`${field}: ${(err as Error).message}`);
    }
    const url = kind === 'directory' ? given.replace(/\/+$/, '') : given;
    if (!this.#buckets.contains(url)) {
      throw forbiddenPath(`${field}: ${given} is outside the buckets and prefixes this service may read (INGEST_ROOTS)`);
    }
    const store = this.storeFor(url);
    try {
      if (kind === 'file') {
        await store.stat(url);
      } else {
        const listing = store.list(`${url}/`, { pageSize: 1 });
        const first = await listing.next();
        await listing.return();
        if (first.done) throw invalidRequest(`${field}: ${given} has no objects under it`);
      }
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'INVALID_REQUEST') throw err;
      if (err.code === 'OBJECT_NOT_FOUND') throw invalidRequest(`${field}: ${given} does not exist`);
      throw new AppError(err.code, `${field}: ${err.message}`, { cause: err });
    }
    return url;
  }

  /**
   * True when this folder's images are fetched here and handed over as bytes
   * (a bucket), false when workers read them themselves (local disk): fetches
   * have a latency worth running ahead of the workers.
   */
  fetchesImages(imageDir: string | null): boolean {
    return imageDir === null || isGs(imageDir);
  }

  /**
   * The folder beside a file named `name` (a panoptic file's PNGs,
   * `panoptic_val2017/` beside `panoptic_val2017.json`), when it exists inside
   * INGEST_ROOTS; null otherwise. Local files only: a bucket has no folders to find.
   */
  async besideFile(file: string, name: string): Promise<string | null> {
    if (isGs(file) || name === '') return null;
    try {
      return await this.#paths.resolve('mask_dir', path.join(path.dirname(file), name), 'directory');
    } catch {
      return null;
    }
  }

  /** True when `folder` (one name) is a folder inside `imageDir`; for a bucket, when objects lie under it. */
  async hasFolder(imageDir: string, folder: string): Promise<boolean> {
    const location = this.imageLocation(imageDir, folder);
    if (location === null) return false;
    if (!isGs(location)) return this.#local.isDirectory(location);
    const listing = this.storeFor(location).list(`${location}/`, { pageSize: 1 });
    try {
      return !(await listing.next()).done;
    } catch {
      return false;
    } finally {
      await listing.return();
    }
  }

  /**
   * Where an image lives, or null when its name would leave its folder. Without
   * a folder, `fileName` must be a URL inside INGEST_ROOTS (images by `coco_url`).
   */
  imageLocation(imageDir: string | null, fileName: string): string | null {
    if (imageDir === null) return isGs(fileName) && this.#buckets.contains(fileName) ? fileName : null;
    if (!isGs(imageDir)) return resolveImagePath(imageDir, fileName);
    if (fileName.startsWith('/') || fileName.includes('\\')) return null;
    const url = `${imageDir}/${fileName}`;
    try {
      return parseGsUrl(url) ? url : null;
    } catch {
      return null; // `..`, empty segments, control characters
    }
  }

  /**
   * What a worker needs to make an image's thumbnails: its path, which the worker
   * reads itself, or its bytes fetched from the bucket, ready to be moved to the
   * worker. A bucket read that fails comes back as a failure, as the worker's do.
   * @throws the signal's reason when aborted.
   */
  async imageSource(
    imageDir: string | null,
    fileName: string,
    options: { signal?: AbortSignal; maxPixels: number },
  ): Promise<ThumbnailSource | ImageReadFailure> {
    const location = this.imageLocation(imageDir, fileName);
    if (location === null) return refused(fileName);
    if (!isGs(location)) return { kind: 'path', path: location, within: imageDir! };
    try {
      const bytes = await this.storeFor(location).readBytes(location, {
        maxBytes: maxImageBytes(options.maxPixels),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { kind: 'bytes', bytes, name: path.posix.basename(fileName) };
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      return imageFailure(fileName, err);
    }
  }

  /**
   * An image to serve as it is: its location and size, once checked to lie
   * inside its folder (symlinks resolved) and INGEST_ROOTS.
   * @throws AppError `IMAGE_REFUSED` (403), `IMAGE_MISSING` (404), or the store's error.
   */
  async openImage(imageDir: string | null, fileName: string): Promise<{ location: string; stat: ObjectStat }> {
    const location = this.imageLocation(imageDir, fileName);
    if (location === null) throw imageError(refused(fileName));
    let real = location;
    if (isGs(location)) {
      if (!this.#buckets.contains(location)) throw imageError(refused(fileName));
    } else {
      try {
        real = await realpath(location);
      } catch {
        throw imageError({ ok: false, code: 'IMAGE_MISSING', message: `${fileName}: the original image is no longer there` });
      }
      const inside = imageDir !== null && real.startsWith(imageDir.endsWith(path.sep) ? imageDir : imageDir + path.sep);
      if (!inside || !(await this.#paths.contains(real))) {
        throw imageError({ ok: false, code: 'IMAGE_REFUSED', message: `${fileName}: the image resolves outside its image folder` });
      }
    }
    try {
      return { location: real, stat: await this.storeFor(real).stat(real) };
    } catch (err) {
      throw imageError(imageFailure(fileName, err));
    }
  }
}

/** The error an image route answers for a failure to read its image. */
export function imageError(failure: ImageReadFailure): AppError {
  return new AppError(failure.code, failure.message);
}

function isGs(location: string): boolean {
  return location.startsWith('gs://');
}

function refused(fileName: string): ImageReadFailure {
  return { ok: false, code: 'IMAGE_REFUSED', message: `${fileName}: file_name leaves the image folder; not read` };
}

/** A store's error, as an image failure naming the image and the reason. */
function imageFailure(fileName: string, err: unknown): ImageReadFailure {
  const code = err instanceof AppError ? err.code : null;
  const reason = err instanceof AppError && err.expose ? err.message : 'cannot be read';
  switch (code) {
    case 'OBJECT_NOT_FOUND':
      return { ok: false, code: 'IMAGE_MISSING', message: `${fileName}: not found (${reason})` };
    case 'OBJECT_TOO_LARGE':
      return { ok: false, code: 'IMAGE_TOO_LARGE', message: `${fileName}: too large to read (${reason})` };
    default:
      return { ok: false, code: 'IMAGE_READ_FAILED', message: `${fileName}: cannot be read (${reason})`, storeFailed: true };
  }
}

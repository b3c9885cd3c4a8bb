import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { ErrorCode } from '../errorCodes.js';
import { AppError, forbiddenPath } from '../errors.js';
import { maxImageBytes } from '../util/maxImageBytes.js';
import type { GcsObjectStore, GcsObjectStoreOptions } from './GcsObjectStore.js';
import type { HttpObjectStoreOptions } from './HttpObjectStore.js';
import { isInside } from './isInside.js';
import type { ObjectStat, ObjectStore } from './ObjectStore.js';
import type { StorageBackend } from './StorageBackend.js';
import { createStorageBackends } from './storageBackends.js';

/** An image ready to decode: a path a worker reads itself (inside `within`), or bytes already fetched, named by their location. */
export type ImageInput = { kind: 'path'; path: string; within: string } | { kind: 'bytes'; bytes: Uint8Array; name: string };

/** An image that could not be read, in the shape the worker reports its failures. */
export interface ImageReadFailure {
  ok: false;
  code: Extract<ErrorCode, 'IMAGE_MISSING' | 'IMAGE_REFUSED' | 'IMAGE_TOO_LARGE' | 'IMAGE_READ_FAILED'>;
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
  /** INGEST_ROOTS: directories, `gs://bucket/prefix` and `http(s)://host/prefix` entries. Required. */
  roots: readonly string[];
  /** How to reach Cloud Storage. Default: Google's endpoint with Application Default Credentials. */
  gcs?: GcsObjectStoreOptions;
  /** How files on the web are fetched. Default: `HTTP_DEFAULTS`. */
  http?: Omit<HttpObjectStoreOptions, 'admits'>;
  /**
   * Folders among (or inside) the roots that only the service's own jobs read:
   * `DATA_DIR/uploads`, where each upload's files are its dataset's alone. A
   * path a client gives there is refused (403), and an image named from a
   * folder outside them may not land in them. Default none.
   */
  privateRoots?: readonly string[];
}

/**
 * Where datasets live: local paths, `gs://` and `http(s)://` URLs, each read by
 * the {@link StorageBackend} its scheme names (`storageBackends.ts`). The
 * pipeline and the routes ask here: what a request names is checked against
 * INGEST_ROOTS, an image's location is found from its folder and name, and an
 * image comes ready for a worker.
 */
export class DatasetStorage {
  readonly #backends: StorageBackend[];
  readonly #gcs: { store(): GcsObjectStore };
  /** The private roots as configured and as real paths (a link on the way to DATA_DIR must not let a path past). */
  readonly #private: string[];

  constructor(options: DatasetStorageOptions) {
    const { backends, gcs } = createStorageBackends({ roots: options.roots, gcs: options.gcs ?? {}, http: options.http ?? {} });
    this.#backends = backends;
    this.#gcs = gcs;
    this.#private = [...new Set((options.privateRoots ?? []).flatMap((root) => [path.resolve(root), realOrItself(root)]))];
  }

  /** The store that reads `location`. */
  storeFor(location: string): ObjectStore {
    return this.#backendFor(location).store();
  }

  /** The Cloud Storage store, which can also write (thumbnails under THUMBNAIL_BUCKET). */
  bucketStore(): GcsObjectStore {
    return this.#gcs.store();
  }

  /**
   * Checks a client-given path or URL against INGEST_ROOTS and that it is
   * there, and returns the location to read: a real path, or the URL (a folder's
   * without its trailing slash).
   * @throws AppError 403 `PATH_FORBIDDEN` outside the roots; 400 `INVALID_REQUEST`
   *   when malformed, missing, empty (a bucket folder) or of the wrong kind; the
   *   store's error, prefixed with the field, when the store refuses or fails.
   */
  async resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string> {
    const backend = this.#backendFor(given);
    // Judged on the path as given first, so a private path gets 403 whether or not it exists.
    if (backend.workersRead) this.#refusePrivate(field, given, path.resolve(given));
    const resolved = await backend.resolve(field, given, kind);
    if (backend.workersRead) this.#refusePrivate(field, given, resolved);
    return resolved;
  }

  #refusePrivate(field: string, given: string, location: string): void {
    if (this.#isPrivate(location)) {
      throw forbiddenPath(`${field}: ${given} is inside the folder of uploaded datasets, which only their own uploads read`);
    }
  }

  #isPrivate(location: string): boolean {
    return this.#private.some((root) => isInside(root, location));
  }

  /**
   * True when this folder's images are fetched here and handed over as bytes
   * (a bucket, the web, or images by URL), false when workers read them
   * themselves (local disk): fetches have a latency worth running ahead of the workers.
   */
  fetchesImages(imageDir: string | null): boolean {
    return imageDir === null || !this.#backendFor(imageDir).workersRead;
  }

  /**
   * The folder beside a file named `name` (a panoptic file's PNGs,
   * `panoptic_val2017/` beside `panoptic_val2017.json`), when it exists inside
   * INGEST_ROOTS; null otherwise. On disk only: a network store has no folders to find.
   */
  async besideFile(file: string, name: string): Promise<string | null> {
    const backend = this.#backendFor(file);
    if (!backend.workersRead || name === '') return null;
    try {
      return await this.resolve('mask_dir', path.join(path.dirname(file), name), 'directory');
    } catch {
      return null;
    }
  }

  /** True when `folder` (one name) is a folder inside `imageDir`. */
  hasFolder(imageDir: string, folder: string): Promise<boolean> {
    return this.#backendFor(imageDir).hasFolder(imageDir, folder);
  }

  /**
   * Where an image lives, or null when its name would leave its folder. Without
   * a folder, `fileName` must be a URL inside INGEST_ROOTS (images by `coco_url`).
   */
  imageLocation(imageDir: string | null, fileName: string): string | null {
    if (imageDir === null) {
      // A record's URL of a scheme no backend reads (`file://`, `ftp://`) is outside the roots like any other: that image's refusal.
      const backend = this.#backends.find((b) => b.handles(fileName));
      return backend?.admits(fileName) ? fileName : null;
    }
    const backend = this.#backendFor(imageDir);
    const location = backend.join(imageDir, fileName);
    // An upload's images are read from its own folder, never reached from another.
    if (location !== null && backend.workersRead && this.#isPrivate(location) && !this.#isPrivate(imageDir)) return null;
    return location;
  }

  /**
   * What a worker needs to make an image's thumbnails: its path, which the worker
   * reads itself, or its bytes fetched from its store, ready to be moved to the
   * worker. A read that fails comes back as a failure, as the worker's do.
   * @throws the signal's reason when aborted.
   */
  async imageSource(imageDir: string | null, fileName: string, options: { signal?: AbortSignal; maxPixels: number }): Promise<ImageInput | ImageReadFailure> {
    // Whatever goes wrong with one image is that image's failure, never the ingest's: only an abort ends it.
    try {
      const location = this.imageLocation(imageDir, fileName);
      if (location === null) return refused(fileName, imageDir);
      const backend = this.#backendFor(location);
      if (backend.workersRead) return { kind: 'path', path: location, within: imageDir! };
      const bytes = await backend.store().readBytes(location, {
        maxBytes: maxImageBytes(options.maxPixels),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      // Named by its URL, so that what the worker says of it (unsupported, undecodable) names where it came from.
      return { kind: 'bytes', bytes, name: location };
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
    if (location === null) throw imageError(refused(fileName, imageDir));
    const backend = this.#backendFor(location);
    let real: string | null;
    try {
      real = await backend.servable(imageDir, location);
    } catch {
      throw imageError({ ok: false, code: 'IMAGE_MISSING', message: `${fileName}: the original image is no longer there` });
    }
    if (real === null) throw imageError({ ok: false, code: 'IMAGE_REFUSED', message: `${fileName}: the image resolves outside its image folder` });
    try {
      return { location: real, stat: await backend.store().stat(real) };
    } catch (err) {
      throw imageError(imageFailure(fileName, err));
    }
  }

  /** The backend of a location; a URL of a scheme no backend reads is refused. */
  #backendFor(location: string): StorageBackend {
    const backend = this.#backends.find((b) => b.handles(location));
    if (!backend) throw forbiddenPath(`${location}: no storage reads this kind of location`);
    return backend;
  }
}

function realOrItself(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

/** The error an image route answers for a failure to read its image. */
export function imageError(failure: ImageReadFailure): AppError {
  return new AppError(failure.code, failure.message);
}

function refused(fileName: string, imageDir: string | null): ImageReadFailure {
  const why = imageDir === null ? 'is not a URL inside INGEST_ROOTS' : 'leaves the image folder';
  return { ok: false, code: 'IMAGE_REFUSED', message: `${fileName}: ${why}; not read` };
}

/** A store's error, as an image failure naming the image and the reason. */
function imageFailure(fileName: string, err: unknown): ImageReadFailure {
  const code = err instanceof AppError ? err.code : null;
  const reason = err instanceof AppError && err.expose ? err.message : 'cannot be read';
  switch (code) {
    case 'PATH_FORBIDDEN':
      // Outside INGEST_ROOTS (a redirect out of them): the image's own refusal, not its store's failure.
      return { ok: false, code: 'IMAGE_REFUSED', message: `${fileName}: refused (${reason})` };
    case 'OBJECT_NOT_FOUND':
      return { ok: false, code: 'IMAGE_MISSING', message: `${fileName}: not found (${reason})` };
    case 'OBJECT_TOO_LARGE':
      return { ok: false, code: 'IMAGE_TOO_LARGE', message: `${fileName}: too large to read (${reason})` };
    default:
      return { ok: false, code: 'IMAGE_READ_FAILED', message: `${fileName}: cannot be read (${reason})`, storeFailed: true };
  }
}

import type { ObjectStore } from './ObjectStore.js';

/**
 * One kind of place datasets are read from, chosen by the scheme of a
 * location: its store, and the rules that keep reads inside INGEST_ROOTS. The
 * backends are listed in `storageBackends.ts`; `DatasetStorage` is the one
 * caller, and nothing else knows there is more than one.
 */
export interface StorageBackend {
  /** For messages: `local disk`, `Cloud Storage`, `the web`. */
  readonly name: string;
  /**
   * True when workers read this backend's files themselves (local disk); false
   * when the main thread fetches the bytes and hands them over (a network store,
   * whose latency is worth running ahead of the workers).
   */
  readonly workersRead: boolean;
  /** Whether `location` is this backend's (by its scheme). */
  handles(location: string): boolean;
  /** The store that reads it; made on first use. */
  store(): ObjectStore;
  /**
   * Checks a location a client gave against INGEST_ROOTS and that it is there,
   * and returns the one to read (a real path, or the URL without a trailing slash for a folder).
   * @throws AppError 403 `PATH_FORBIDDEN` outside the roots; 400 when malformed, missing or of the wrong kind
   */
  resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string>;
  /** `name`, relative, inside folder `dir`; null when it would leave it. */
  join(dir: string, name: string): string | null;
  /** Whether an absolute location from a record (an image's `coco_url`) lies inside INGEST_ROOTS. */
  admits(location: string): boolean;
  /** Whether `dir` holds a folder `folder` (one name). */
  hasFolder(dir: string, folder: string): Promise<boolean>;
  /**
   * The location to serve an image from, once checked to lie inside its folder
   * (symlinks resolved) and INGEST_ROOTS; null when it does not.
   * @throws AppError `OBJECT_NOT_FOUND` when it is not there
   */
  servable(dir: string | null, location: string): Promise<string | null>;
}

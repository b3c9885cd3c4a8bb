import { BucketGuard } from '../BucketGuard.js';
import { GcsObjectStore, type GcsObjectStoreOptions } from '../GcsObjectStore.js';
import { parseGsUrl } from '../gsUrl.js';
import type { StorageBackend } from '../StorageBackend.js';
import { resolveRemote } from './remoteResolve.js';

/** Objects in Google Cloud Storage, by `gs://bucket/name`, under the `gs://` entries of INGEST_ROOTS. */
export class GcsBackend implements StorageBackend {
  readonly name = 'Cloud Storage';
  readonly workersRead = false;
  readonly #guard: BucketGuard;
  readonly #options: GcsObjectStoreOptions;
  #store: GcsObjectStore | null = null;

  constructor(roots: readonly string[], options: GcsObjectStoreOptions) {
    this.#guard = new BucketGuard(roots);
    this.#options = options;
  }

  handles(location: string): boolean {
    return location.startsWith('gs://');
  }

  /** The client, which can also write (thumbnails under THUMBNAIL_BUCKET); made on first use, so a service that never reads a bucket never looks for credentials. */
  store(): GcsObjectStore {
    this.#store ??= new GcsObjectStore(this.#options);
    return this.#store;
  }

  resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string> {
    return resolveRemote(field, given, kind, {
      parse: parseGsUrl,
      contains: (url) => this.#guard.contains(url),
      store: () => this.store(),
      canList: true,
      where: 'buckets and prefixes',
    });
  }

  join(dir: string, name: string): string | null {
    if (name.startsWith('/') || name.includes('\\')) return null;
    const url = `${dir}/${name}`;
    try {
      return parseGsUrl(url) ? url : null;
    } catch {
      return null; // `..`, empty segments, control characters
    }
  }

  admits(location: string): boolean {
    try {
      return this.#guard.contains(location);
    } catch {
      return false; // a malformed URL (`gs://`, `..` segments) from a record is outside the roots like any other
    }
  }

  async hasFolder(dir: string, folder: string): Promise<boolean> {
    const location = this.join(dir, folder);
    if (location === null) return false;
    const listing = this.store().list(`${location}/`, { pageSize: 1 });
    try {
      return !(await listing.next()).done;
    } catch {
      return false;
    } finally {
      await listing.return();
    }
  }

  async servable(_dir: string | null, location: string): Promise<string | null> {
    return this.#guard.contains(location) ? location : null;
  }
}

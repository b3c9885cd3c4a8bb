import { GcsBackend } from './backends/GcsBackend.js';
import { HttpBackend } from './backends/HttpBackend.js';
import { LocalBackend } from './backends/LocalBackend.js';
import type { GcsObjectStoreOptions } from './GcsObjectStore.js';
import type { HttpObjectStoreOptions } from './HttpObjectStore.js';
import { isHttpUrl } from './httpUrl.js';
import type { StorageBackend } from './StorageBackend.js';

/** What the backends are made from. */
export interface StorageBackendOptions {
  /** INGEST_ROOTS: directories, `gs://bucket/prefix` and `http(s)://host/prefix` entries. */
  roots: readonly string[];
  gcs: GcsObjectStoreOptions;
  http: Omit<HttpObjectStoreOptions, 'admits'>;
}

/**
 * The storage backends by scheme, in the order they are asked whether a
 * location is theirs; local disk takes whatever is not a URL. Adding a scheme
 * is a backend and a line here.
 */
export function createStorageBackends(options: StorageBackendOptions): { backends: StorageBackend[]; gcs: GcsBackend } {
  const { roots } = options;
  const gcs = new GcsBackend(
    roots.filter((r) => r.startsWith('gs://')),
    options.gcs,
  );
  const backends: StorageBackend[] = [
    gcs,
    new HttpBackend(roots.filter(isHttpUrl), options.http),
    new LocalBackend(roots.filter((r) => !r.startsWith('gs://') && !isHttpUrl(r))),
  ];
  return { backends, gcs };
}

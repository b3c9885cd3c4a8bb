import { GcsBackend } from './backends/GcsBackend.js';
import { HttpBackend } from './backends/HttpBackend.js';
import { LocalBackend } from './backends/LocalBackend.js';
import type { GcsObjectStoreOptions } from './GcsObjectStore.js';
import { parseGsUrl } from './gsUrl.js';
import type { HttpObjectStoreOptions } from './HttpObjectStore.js';
import { isHttpUrl, parseHttpUrl } from './httpUrl.js';
import type { StorageBackend } from './StorageBackend.js';

/** What the backends are made from. */
export interface StorageBackendOptions {
  /** INGEST_ROOTS: directories, `gs://bucket/prefix` and `http(s)://host/prefix` entries. */
  roots: readonly string[];
  gcs: GcsObjectStoreOptions;
  http: Omit<HttpObjectStoreOptions, 'admits'>;
}

/** A URL scheme of INGEST_ROOTS entries: which entries are its, how one is checked, and its backend. */
export interface RootScheme {
  /** Whether an INGEST_ROOTS entry is of this scheme. */
  claims(entry: string): boolean;
  /** @throws an Error saying what is wrong with the entry. */
  check(entry: string): void;
  create(roots: string[], options: StorageBackendOptions): StorageBackend;
}

/**
 * The URL schemes, in the order they are asked whether an entry or a location
 * is theirs; local disk takes whatever none claims. Adding a scheme is a
 * backend and a line here: the configuration and `DatasetStorage` ask this list.
 */
export const ROOT_SCHEMES: readonly RootScheme[] = [
  { claims: (e) => e.startsWith('gs://'), check: (e) => void parseGsUrl(e), create: (roots, o) => new GcsBackend(roots, o.gcs) },
  { claims: isHttpUrl, check: (e) => void parseHttpUrl(e), create: (roots, o) => new HttpBackend(roots, o.http) },
];

/** The scheme an INGEST_ROOTS entry is of; null for a local directory. */
export function rootSchemeOf(entry: string): RootScheme | null {
  return ROOT_SCHEMES.find((scheme) => scheme.claims(entry)) ?? null;
}

/** The storage backends, one per scheme and local disk last, each with its INGEST_ROOTS entries. */
export function createStorageBackends(options: StorageBackendOptions): { backends: StorageBackend[]; gcs: GcsBackend } {
  const { roots } = options;
  const remote = ROOT_SCHEMES.map((scheme) => scheme.create(roots.filter(scheme.claims), options));
  const backends: StorageBackend[] = [...remote, new LocalBackend(roots.filter((r) => rootSchemeOf(r) === null))];
  // Cloud Storage's backend also writes thumbnails to THUMBNAIL_BUCKET.
  const gcs = remote.find((b): b is GcsBackend => b instanceof GcsBackend)!;
  return { backends, gcs };
}

import path from 'node:path';
import { HttpObjectStore, type HttpObjectStoreOptions } from '../HttpObjectStore.js';
import { isHttpUrl, joinHttpUrl, parseHttpUrl } from '../httpUrl.js';
import type { StorageBackend } from '../StorageBackend.js';
import { UrlPrefixGuard } from '../UrlPrefixGuard.js';
import { resolveRemote } from './remoteResolve.js';

/**
 * Files behind `http(s)://` URLs under the web entries of INGEST_ROOTS: images
 * by `coco_url`, or a dataset on a web server. A URL outside the roots is never
 * fetched, and neither is a redirect out of them.
 */
export class HttpBackend implements StorageBackend {
  readonly name = 'the web';
  readonly workersRead = false;
  readonly #guard: UrlPrefixGuard;
  readonly #store: HttpObjectStore;

  constructor(roots: readonly string[], options: Omit<HttpObjectStoreOptions, 'admits'>) {
    this.#guard = new UrlPrefixGuard(roots);
    this.#store = new HttpObjectStore({ ...options, admits: (url) => this.#guard.contains(url) });
  }

  handles(location: string): boolean {
    return isHttpUrl(location);
  }

  store(): HttpObjectStore {
    return this.#store;
  }

  resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string> {
    return resolveRemote(field, given, kind, {
      parse: parseHttpUrl,
      contains: (url) => this.#guard.contains(url),
      store: () => this.#store,
      // A web server has no listing: a folder is taken as given, and its images fail one by one if it is wrong.
      canList: false,
      where: 'web prefixes',
    });
  }

  join(dir: string, name: string): string | null {
    if (name.startsWith('/') || name.includes('\\') || name.split('/').some((s) => s === '' || s === '.' || s === '..')) return null;
    const url = joinHttpUrl(dir, name);
    return this.#guard.contains(url) ? url : null;
  }

  admits(location: string): boolean {
    return this.#guard.contains(location);
  }

  /** A web server cannot be listed: a folder named like the split's own (`.../val2017`) is taken to be it. */
  async hasFolder(dir: string, folder: string): Promise<boolean> {
    return path.posix.basename(new URL(dir).pathname) !== folder;
  }

  async servable(_dir: string | null, location: string): Promise<string | null> {
    return this.#guard.contains(location) ? location : null;
  }
}

import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { objectNotFound } from '../../errors.js';
import { LocalFileStore } from '../LocalFileStore.js';
import type { ObjectStore } from '../ObjectStore.js';
import { PathGuard } from '../PathGuard.js';
import { resolveImagePath } from '../resolveImagePath.js';
import type { StorageBackend } from '../StorageBackend.js';

/** Files on this machine's disk, under the directories of INGEST_ROOTS: anything that is not a URL. */
export class LocalBackend implements StorageBackend {
  readonly name = 'local disk';
  readonly workersRead = true;
  readonly #store = new LocalFileStore();
  readonly #guard: PathGuard;

  constructor(roots: readonly string[]) {
    this.#guard = new PathGuard(roots);
  }

  handles(location: string): boolean {
    return !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);
  }

  store(): ObjectStore {
    return this.#store;
  }

  resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string> {
    return this.#guard.resolve(field, given, kind);
  }

  join(dir: string, name: string): string | null {
    return resolveImagePath(dir, name);
  }

  admits(): boolean {
    // A path from a record is never read as it is: only relative to a checked folder.
    return false;
  }

  async hasFolder(dir: string, folder: string): Promise<boolean> {
    const location = this.join(dir, folder);
    return location !== null && this.#store.isDirectory(location);
  }

  async servable(dir: string | null, location: string): Promise<string | null> {
    let real: string;
    try {
      real = await realpath(location);
    } catch {
      throw objectNotFound(location);
    }
    const inside = dir !== null && real.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
    return inside && (await this.#guard.contains(real)) ? real : null;
  }
}

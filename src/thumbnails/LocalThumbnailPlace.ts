import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { objectNotFound } from '../errors.js';
import type { StoredThumbnail, ThumbnailPlace } from './ThumbnailPlace.js';

/** Thumbnails in a folder (`DATA_DIR/thumbnails`), written by the workers themselves. */
export class LocalThumbnailPlace implements ThumbnailPlace {
  readonly description = 'DATA_DIR/thumbnails';
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  locationOf(key: string): string {
    return path.join(this.#root, ...key.split('/'));
  }

  workerPath(key: string): string {
    return this.locationOf(key);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.locationOf(key);
    const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async stat(key: string): Promise<StoredThumbnail | null> {
    try {
      const info = await stat(this.locationOf(key));
      return { size: info.size, mtimeMs: info.mtimeMs };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // ENOTDIR: something in the way of the directory; the write will say what.
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.locationOf(key));
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') throw objectNotFound(key);
      throw err;
    }
  }

  async remove(prefix: string): Promise<void> {
    await rm(this.locationOf(prefix), { recursive: true, force: true });
  }
}

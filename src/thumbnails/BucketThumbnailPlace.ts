import { AppError } from '../errors.js';
import type { GcsObjectStore } from '../storage/GcsObjectStore.js';
import type { StoredThumbnail, ThumbnailPlace } from './ThumbnailPlace.js';

/** No thumbnail of the largest size comes near this; anything bigger in the bucket is not ours. */
const MAX_THUMBNAIL_BYTES = 16 * 1024 * 1024;

/**
 * Thumbnails in a bucket (`THUMBNAIL_BUCKET=gs://bucket/prefix`): workers hand
 * the WebP bytes back and the main thread uploads them, so no worker needs a
 * Cloud Storage client of its own.
 */
export class BucketThumbnailPlace implements ThumbnailPlace {
  readonly description: string;
  readonly #store: GcsObjectStore;
  readonly #base: string;

  /** @param base `gs://bucket/prefix`, already validated */
  constructor(store: GcsObjectStore, base: string) {
    this.#store = store;
    this.#base = base.replace(/\/+$/, '');
    this.description = this.#base;
  }

  locationOf(key: string): string {
    return `${this.#base}/${key}`;
  }

  workerPath(): null {
    return null;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    // Immutable once written: a thumbnail's key names the job that made it.
    await this.#store.write(this.locationOf(key), bytes, { contentType: 'image/webp', cacheControl: 'private, max-age=31536000, immutable' });
  }

  async stat(key: string): Promise<StoredThumbnail | null> {
    try {
      const stat = await this.#store.stat(this.locationOf(key));
      return { size: stat.size, mtimeMs: stat.mtimeMs ?? 0 };
    } catch (err) {
      if (err instanceof AppError && err.code === 'OBJECT_NOT_FOUND') return null;
      throw err;
    }
  }

  async read(key: string): Promise<Buffer> {
    const bytes = await this.#store.readBytes(this.locationOf(key), { maxBytes: MAX_THUMBNAIL_BYTES });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async remove(prefix: string): Promise<void> {
    await this.#store.deletePrefix(`${this.locationOf(prefix)}/`);
  }
}

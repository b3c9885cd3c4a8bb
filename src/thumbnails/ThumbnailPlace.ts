/** A stored thumbnail's size and age. */
export interface StoredThumbnail {
  size: number;
  mtimeMs: number;
}

/**
 * Where thumbnails are kept: a folder under `DATA_DIR`, or a bucket prefix
 * (`THUMBNAIL_BUCKET`). Keys are `<dataset>/<job>/<size>/<sample>.webp`, so a
 * job's or a dataset's thumbnails go as one prefix.
 */
export interface ThumbnailPlace {
  /** For messages: `DATA_DIR/thumbnails` or the bucket URL. */
  readonly description: string;
  /** The thumbnail's full location (a path or a `gs://` URL). */
  locationOf(key: string): string;
  /**
   * Where a worker may write the thumbnail itself (a local path), or null when
   * the worker must hand the bytes back for {@link put}.
   */
  workerPath(key: string): string | null;
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Its size and age, or null when it is not there. */
  stat(key: string): Promise<StoredThumbnail | null>;
  /** Its bytes. @throws AppError `OBJECT_NOT_FOUND` when it is gone. */
  read(key: string): Promise<Buffer>;
  /** Deletes everything under a key prefix (`<dataset>` or `<dataset>/<job>`). */
  remove(prefix: string): Promise<void>;
}

import type { Readable } from 'node:stream';

/** What {@link ObjectStore.stat} tells about a file or object. */
export interface ObjectStat {
  /** Size in bytes. */
  size: number;
  /** A validator that changes when the content does (quoted, ready for an `ETag` header). */
  etag: string;
  /** Last modification, in ms since the epoch; null when the store does not say. */
  mtimeMs: number | null;
}

/** Bytes `start` to `end` of an object, both included (as in an HTTP `Range`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** One entry of {@link ObjectStore.list}. */
export interface ListedObject {
  /** Its location, in the store's own form (a path, or a `gs://` URL). */
  location: string;
  size: number;
}

/** Options of {@link ObjectStore.read} and {@link ObjectStore.readBytes}. */
export interface ObjectReadOptions {
  /** Aborting stops the read and frees its connection or file. Default: none. */
  signal?: AbortSignal;
}

/**
 * Where datasets are read from: local disk or a bucket, behind one small
 * interface so that the pipeline and the routes do not know which. Every
 * method takes a location the store accepts (checked against the configured
 * roots before it gets here) and fails with an `AppError` that names it:
 * `OBJECT_NOT_FOUND` (404), `OBJECT_FORBIDDEN` (403), `OBJECT_TOO_LARGE` (413)
 * or `OBJECT_READ_FAILED` (502).
 */
export interface ObjectStore {
  /** Size and validator of one file or object. */
  stat(location: string): Promise<ObjectStat>;
  /** Streams its bytes, or those of `range`. */
  read(location: string, range?: ByteRange, options?: ObjectReadOptions): Readable;
  /**
   * Its bytes in one buffer that owns its whole `ArrayBuffer`, so it can be moved
   * to a worker thread without a copy.
   * @throws AppError `OBJECT_TOO_LARGE` past `maxBytes`, before reading it all.
   */
  readBytes(location: string, options: ObjectReadOptions & { maxBytes: number }): Promise<Uint8Array>;
  /**
   * Its bytes, start to end, in chunks of about `chunkBytes` for a consumer that
   * reads once, in order (the annotation file). A chunk may be a view into a
   * buffer reused for the next one: it is valid only until the next is pulled.
   */
  readChunks(location: string, options: ObjectReadOptions & { chunkBytes: number }): AsyncGenerator<Buffer, void, undefined>;
  /** Every file or object under a folder or prefix, in name order. */
  list(prefix: string, options?: { pageSize?: number }): AsyncGenerator<ListedObject, void, undefined>;
}

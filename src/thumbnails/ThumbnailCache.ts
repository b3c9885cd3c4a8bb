import { LRUCache } from 'lru-cache';

/** A thumbnail held in memory, ready to send. */
export interface CachedThumbnail {
  bytes: Buffer;
  etag: string;
}

/** Options of {@link ThumbnailCache}. */
export interface ThumbnailCacheOptions {
  /** Bytes of thumbnails kept; 0 keeps none. Default 64 MiB ({@link THUMBNAIL_CACHE_DEFAULTS}). */
  maxBytes?: number;
}

/** Defaults of {@link ThumbnailCacheOptions}. */
export const THUMBNAIL_CACHE_DEFAULTS = {
  /** About 6,500 medium thumbnails: the pages a few users are browsing. */
  maxBytes: 64 * 1024 * 1024,
} as const;

/**
 * Recently served thumbnails, by dataset, sample and size, least recently used
 * first out. A thumbnail grid asks for the same few hundred images again and
 * again; answering those from memory skips the database lookup, the file stat
 * and the read. Entries never go stale on their own: a sample's thumbnail does
 * not change once its ingest committed, and {@link deleteDataset} drops a deleted
 * dataset's entries.
 */
export class ThumbnailCache {
  readonly #lru: LRUCache<string, CachedThumbnail> | null;

  constructor(options: ThumbnailCacheOptions = {}) {
    const maxBytes = options.maxBytes ?? THUMBNAIL_CACHE_DEFAULTS.maxBytes;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) throw new RangeError(`maxBytes must be a whole number, got ${maxBytes}`);
    this.#lru =
      maxBytes === 0
        ? null
        : new LRUCache<string, CachedThumbnail>({
            maxSize: maxBytes,
            sizeCalculation: (entry) => Math.max(1, entry.bytes.length),
          });
  }

  get(datasetId: number, sampleId: number, size: string): CachedThumbnail | undefined {
    return this.#lru?.get(key(datasetId, sampleId, size));
  }

  set(datasetId: number, sampleId: number, size: string, entry: CachedThumbnail): void {
    this.#lru?.set(key(datasetId, sampleId, size), entry);
  }

  /** Drops every entry of a dataset. */
  deleteDataset(datasetId: number): void {
    const lru = this.#lru;
    if (!lru) return;
    const prefix = `${datasetId}/`;
    for (const k of [...lru.keys()]) if (k.startsWith(prefix)) lru.delete(k);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#lru?.calculatedSize ?? 0;
  }
}

function key(datasetId: number, sampleId: number, size: string): string {
  return `${datasetId}/${sampleId}/${size}`;
}

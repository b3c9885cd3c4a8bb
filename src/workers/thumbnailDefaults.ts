import { DEFAULT_WEBP_EFFORT } from './messages.js';

/**
 * Defaults of the thumbnail settings every part that makes thumbnails takes
 * (`ThumbnailStage` at ingest, `ThumbnailStore` on demand), in one place and a
 * module of its own, so that they and the configuration can name them without
 * loading the pool (and sharp).
 */
export const THUMBNAIL_DEFAULTS = {
  /** WebP quality, 1-100. */
  quality: 80,
  /** WebP effort, 0-6: the worker's own default (see {@link DEFAULT_WEBP_EFFORT}). */
  effort: DEFAULT_WEBP_EFFORT,
  /** Images above this many pixels are refused undecoded (a decompression bomb is refused by its header). */
  maxPixels: 100_000_000,
  /** Image reads in flight at once per ingest (fetches from a bucket, ahead of the workers). */
  imageReads: 16,
} as const;

import type { ErrorCode } from '../errorCodes.js';
import type { ImageHashes } from '../quality/ImageHashes.js';

/**
 * WebP effort of the thumbnails unless a task says otherwise: on 640x480
 * photos, half the encode time of libvips' default 4 for files about 4% larger;
 * encoding, not decoding, is most of a 256 px thumbnail's cost.
 */
export const DEFAULT_WEBP_EFFORT = 2;

/**
 * The messages exchanged between the main thread and the thumbnail workers.
 * Only plain, structured-clonable data crosses threads: errors travel as
 * `{ ok: false, code, message }`, never as classes (a class loses its prototype,
 * and a stack would leak internals).
 */

/**
 * Why an image could not be turned into thumbnails.
 * - `IMAGE_MISSING`: the file does not exist.
 * - `IMAGE_UNREADABLE`: it exists but cannot be read (permissions, a directory).
 * - `IMAGE_READ_FAILED`: its store failed (no answer, errors after retries, access refused).
 * - `IMAGE_UNDECODABLE`: empty, truncated or corrupt image data.
 * - `IMAGE_UNSUPPORTED`: not an image format we decode (text, SVG, PDF, unknown bytes).
 * - `IMAGE_TOO_LARGE`: its header declares more pixels than the task's `maxPixels`.
 * - `IMAGE_REFUSED`: the file lies outside the folder it must be read from (a symlink pointing out).
 * - `THUMBNAIL_WRITE_FAILED`: the image decoded but a thumbnail file could not be written.
 * - `WORKER_CRASHED`: the worker died or threw something unexpected (a bug, not the image's fault).
 */
export type ImageErrorCode = Extract<
  ErrorCode,
  | 'IMAGE_MISSING'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_READ_FAILED'
  | 'IMAGE_UNDECODABLE'
  | 'IMAGE_UNSUPPORTED'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_REFUSED'
  | 'THUMBNAIL_WRITE_FAILED'
  | 'WORKER_CRASHED'
>;

/** Where the worker reads the image from. */
export type ThumbnailSource =
  | {
      kind: 'path';
      path: string;
      /**
       * A real (symlink-free) folder the file must lie in once opened, symlinks
       * resolved; outside it the file is refused unread (`IMAGE_REFUSED`). Default: no check.
       */
      within?: string;
    }
  /**
   * Image bytes already in memory (e.g. fetched from object storage). They are
   * moved to the worker, not copied, so the caller's buffer is detached after
   * `ThumbnailPool.run()` when it owns its whole `ArrayBuffer`. `name` (default
   * `'image'`) is what error messages call it: the image's URL when fetched.
   */
  | { kind: 'bytes'; bytes: Uint8Array; name?: string }
  /**
   * An image named by its folder (`image_dir`, or null for images by URL) and
   * `file_name`, for a backend that reads images itself ({@link ThumbnailBackend.readsImages}):
   * its workers look it up within their own INGEST_ROOTS. The pool refuses it.
   */
  | { kind: 'stored'; imageDir: string | null; location: string };

/** One image in, one WebP file per entry of `outputs` out. */
export interface ThumbnailTask {
  source: ThumbnailSource;
  /**
   * `size`: the longer side in pixels (aspect kept, never upscaled);
   * `path`: where the WebP goes (written atomically, parent directories created),
   * or null to have its bytes handed back in the result (`data`), for storage
   * the worker cannot write to (a bucket); `key`: its key in the thumbnail store,
   * by which a worker on another machine writes it to its own `DATA_DIR` or bucket.
   */
  outputs: { size: number; path: string | null; key?: string }[];
  /** WebP quality, 1-100. */
  quality: number;
  /**
   * WebP effort, 0-6 (libvips' default is 4): lower is faster for larger files.
   * Default {@link DEFAULT_WEBP_EFFORT}.
   */
  effort?: number;
  /** Images whose header declares more pixels than this are refused undecoded (`IMAGE_TOO_LARGE`). */
  maxPixels: number;
  /**
   * Also compute the image's hashes (its bytes' SHA-256 and a perceptual hash
   * of the decoded pixels), returned as `hashes`. Default false (thumbnails made
   * on demand need none). With no `outputs`, the image is decoded for them alone.
   */
  hashes?: boolean;
}

/** One thumbnail written by the worker. */
export interface ThumbnailOutput {
  /** The requested longer side. */
  size: number;
  path: string | null;
  /** File size in bytes. */
  bytes: number;
  /** The WebP itself, when the task's `path` was null. */
  data?: Uint8Array;
  /** Actual dimensions of the WebP (upright, at most `size` on the longer side). */
  width: number;
  height: number;
}

/**
 * What a task resolves to. On success, `width`/`height` are the source image's
 * dimensions as displayed, i.e. after its EXIF orientation is applied (the same
 * orientation as the thumbnails), and `format` is the decoder's name (`jpeg`, `png`...).
 * On failure, `message` names the file (its basename, or its URL when fetched) and what is wrong with it.
 */
export type ThumbnailResult =
  | { ok: true; width: number; height: number; format: string; outputs: ThumbnailOutput[]; hashes?: ImageHashes }
  | { ok: false; code: ImageErrorCode; message: string };

/** Why a panoptic PNG gave no masks: its image-read codes become `MASK_MISSING` / `MASK_UNDECODABLE`. */
export type MaskErrorCode = Extract<
  ErrorCode,
  'MASK_MISSING' | 'MASK_UNDECODABLE' | 'MASK_SIZE_MISMATCH' | 'IMAGE_REFUSED' | 'IMAGE_TOO_LARGE' | 'WORKER_CRASHED'
>;

/** Cut one panoptic image's segments from its PNG. */
export interface MaskTask {
  /** The PNG. */
  source: ThumbnailSource;
  /** The image's size from its record; the PNG must match it. Null: not known, not checked. */
  width: number | null;
  height: number | null;
  /** The segment ids (colours) to cut, in `segments_info` order. */
  segmentIds: number[];
  /** Pixel limit, as for images. */
  maxPixels: number;
}

/**
 * The masks of a {@link MaskTask}, in its `segmentIds` order: COCO's compressed
 * RLE counts and each segment's pixel count (for comparing with `segments_info`).
 */
export type MaskResult =
  | { ok: true; width: number; height: number; masks: { counts: string; area: number }[] }
  | { ok: false; code: MaskErrorCode; message: string };

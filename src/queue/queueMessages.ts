import type { ThumbnailResult } from '../workers/messages.js';

/**
 * What travels through Redis between the service and `npm run worker`
 * processes. Only references go out (where the image is, which thumbnail key to
 * write): never image bytes, which would make Redis hold a window's worth of photos.
 */

/** The BullMQ queue of chunks, and the one results come back on. */
export const QUEUE_NAMES = { chunks: 'thumbnail-chunks', results: 'thumbnail-results' } as const;

/** The key prefix of every queue and key the service and its workers share in Redis. */
export const QUEUE_PREFIX = 'coco-ingest';

/** The Pub/Sub channel cancellations are broadcast on, with the job id as the message. */
export const CANCEL_CHANNEL = `${QUEUE_PREFIX}:cancelled`;

/** The key marking an ingest job cancelled, for chunks a worker picks up after the broadcast. */
export function cancelledKey(jobId: string): string {
  return `${QUEUE_PREFIX}:cancelled:${jobId}`;
}

/** One image of a chunk. */
export interface QueuedImage {
  /** The image folder (a path, `gs://` or `http(s)://` prefix, inside INGEST_ROOTS), or null for images by URL. */
  imageDir: string | null;
  /** The image's `file_name` or URL, as the stage locates it. */
  location: string;
  /** The thumbnails: longer side and key in the thumbnail store (`<dataset>/<job>/<size>/<sample>.webp`). */
  outputs: { size: number; key: string }[];
  quality: number;
  /** WebP effort; absent: the worker's default. */
  effort?: number;
  maxPixels: number;
  /** Also compute the image's hashes (see `ThumbnailTask.hashes`); absent: no. */
  hashes?: boolean;
}

/** A chunk: one BullMQ job of several images of one ingest job. */
export interface ChunkData {
  /** The ingest job the images belong to (cancellation is by job). */
  jobId: string;
  /** Unique per chunk; the BullMQ job id too, so that adding it again is a no-op. */
  chunkId: string;
  images: QueuedImage[];
}

/**
 * A chunk's outcome, sent on the results queue (durable: it waits in Redis until
 * the service takes it). `results` follows `images`; `cancelled` is set instead
 * when the worker stopped because the job was cancelled, once nothing more of
 * the chunk is being written.
 */
export type ChunkOutcome =
  | { chunkId: string; jobId: string; cancelled: false; results: ThumbnailResult[] }
  | { chunkId: string; jobId: string; cancelled: true };

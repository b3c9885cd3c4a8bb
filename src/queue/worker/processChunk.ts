import type { DatasetStorage } from '../../storage/DatasetStorage.js';
import type { ThumbnailPlace } from '../../thumbnails/ThumbnailPlace.js';
import type { ThumbnailResult } from '../../workers/messages.js';
import type { ThumbnailBackend } from '../../workers/ThumbnailBackend.js';
import type { ChunkData, QueuedImage } from '../queueMessages.js';

/** What a worker process makes a chunk's thumbnails with. */
export interface ChunkTools {
  /** The process's own pool. */
  pool: ThumbnailBackend;
  /** Reads images within the worker's INGEST_ROOTS. */
  storage: DatasetStorage;
  /** Where the thumbnails go: the shared `DATA_DIR/thumbnails`, or `THUMBNAIL_BUCKET`. */
  place: ThumbnailPlace;
}

/**
 * Makes the thumbnails of one chunk, all its images at once (the pool bounds
 * the work). Every image has settled when this returns, so that after an abort
 * nothing of the chunk is still being written. Image problems are results.
 * @throws the abort's reason when `signal` aborted.
 */
export async function processChunk(chunk: ChunkData, tools: ChunkTools, signal: AbortSignal): Promise<ThumbnailResult[]> {
  const settled = await Promise.allSettled(chunk.images.map((image) => thumbnail(image, tools, signal)));
  signal.throwIfAborted();
  return settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    throw outcome.reason;
  });
}

async function thumbnail(image: QueuedImage, tools: ChunkTools, signal: AbortSignal): Promise<ThumbnailResult> {
  const { storage, pool, place } = tools;
  const source = await storage.imageSource(image.imageDir, image.location, { signal, maxPixels: image.maxPixels });
  if ('ok' in source) return source;
  const result = await pool.run(
    {
      source,
      outputs: image.outputs.map((output) => ({ size: output.size, path: place.workerPath(output.key) })),
      quality: image.quality,
      ...(image.effort === undefined ? {} : { effort: image.effort }),
      maxPixels: image.maxPixels,
      ...(image.hashes ? { hashes: true } : {}),
    },
    { signal },
  );
  if (!result.ok) return result;
  const outputs = [];
  for (const [index, output] of result.outputs.entries()) {
    const { data, ...written } = output;
    if (data) {
      signal.throwIfAborted();
      const key = image.outputs[index]!.key;
      try {
        await place.put(key, data);
      } catch (err) {
        return {
          ok: false,
          code: 'THUMBNAIL_WRITE_FAILED',
          message: `${image.location}: cannot write ${key} to ${place.description} (${(err as Error).message})`,
        };
      }
    }
    outputs.push(written);
  }
  return { ...result, outputs };
}

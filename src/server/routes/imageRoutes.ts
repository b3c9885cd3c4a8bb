import type Router from '@koa/router';
import type { Context } from 'koa';
import mime from 'mime-types';
import type { ErrorCode } from '../../errorCodes.js';
import { AppError } from '../../errors.js';
import type { ThumbnailSize } from '../../thumbnails/ThumbnailStore.js';
import { requestedRange } from '../requestedRange.js';
import type { Service } from '../Service.js';
import { imageQuery } from '../schemas.js';
import { idParam, validate } from '../validate.js';

/**
 * `GET /images/{dataset_id}/{sample_id}?size=small|medium|large|original`: a WebP
 * thumbnail (made on first request when missing) or the original bytes, from
 * disk or the bucket the dataset came from, with `Range` support. The image is
 * found by id; no client-supplied path reaches a store.
 */
export function imageRoutes(router: Router, service: Service): void {
  router.get('/images/:datasetId/:sampleId', async (ctx) => {
    const datasetId = validate(idParam, ctx.params.datasetId, 'dataset id');
    const sampleId = validate(idParam, ctx.params.sampleId, 'sample id');
    const { size } = validate(imageQuery, ctx.query, 'query');
    const cached = size === 'original' ? undefined : service.thumbnailCache.get(datasetId, sampleId, size);
    if (cached) {
      sendBytes(ctx, cached.bytes, cached.etag);
      return;
    }
    const sample = await service.samples.locate(sampleId, datasetId);
    if (sample.failure_code !== null) {
      throw new AppError(sample.failure_code as ErrorCode, sample.failure_message ?? 'the image could not be read');
    }
    if (size === 'original') {
      await sendOriginal(ctx, service, sample.image_dir, sample.file_name);
      return;
    }
    const maxPixels = service.config.maxImagePixels;
    const file = await service.thumbnails.get({ datasetId, jobId: sample.job_id, sampleId }, size as ThumbnailSize, (signal) =>
      service.storage.imageSource(sample.image_dir, sample.file_name, { signal, maxPixels }),
    );
    const etag = `"${sample.job_id.slice(0, 8)}-${size}-${file.size}-${Math.trunc(file.mtimeMs)}"`;
    let bytes: Buffer;
    try {
      bytes = await service.thumbnails.read(file);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'OBJECT_NOT_FOUND') throw err;
      // Removed since it was found (its dataset deleted meanwhile): the lookup decides again.
      throw new AppError('IMAGE_MISSING', `${sample.file_name}: the thumbnail is no longer there`);
    }
    service.thumbnailCache.set(datasetId, sampleId, size, { bytes, etag });
    sendBytes(ctx, bytes, etag);
  });
}

/** Streams the original image, whole or the one byte range asked for. */
async function sendOriginal(ctx: Context, service: Service, imageDir: string | null, fileName: string): Promise<void> {
  const { location, stat } = await service.storage.openImage(imageDir, fileName);
  ctx.set('Accept-Ranges', 'bytes');
  if (notModified(ctx, stat.etag)) return;
  ctx.type = mime.lookup(fileName) || 'application/octet-stream';
  const store = service.storage.storeFor(location);
  const range = requestedRange(ctx.get('Range'), ctx.get('If-Range'), stat.size, stat.etag);
  if (range === 'unsatisfiable') {
    ctx.set('Content-Range', `bytes */${stat.size}`);
    throw new AppError('RANGE_NOT_SATISFIABLE', `${fileName}: the range is outside its ${stat.size} bytes`);
  }
  if (range !== null) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${stat.size}`);
  }
  ctx.length = range === null ? stat.size : range.end - range.start + 1;
  // A HEAD is answered from the headers: a local stream would hold its file open, unread.
  if (ctx.method === 'HEAD') return;
  ctx.body = range === null ? store.read(location) : store.read(location, range);
}

/** Sends a WebP thumbnail held in memory, or 304. */
function sendBytes(ctx: Context, bytes: Buffer, etag: string): void {
  if (notModified(ctx, etag)) return;
  ctx.type = 'image/webp';
  ctx.body = bytes;
}

function notModified(ctx: Context, etag: string): boolean {
  ctx.set('ETag', etag);
  ctx.set('Cache-Control', 'no-cache');
  ctx.status = 200;
  if (!ctx.fresh) return false;
  ctx.status = 304;
  return true;
}

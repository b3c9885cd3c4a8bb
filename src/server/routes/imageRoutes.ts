import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import mime from 'mime-types';
import { AppError } from '../../errors.js';
import { resolveImagePath } from '../../pipeline/resolveImagePath.js';
import type { ThumbnailSize } from '../../thumbnails/ThumbnailStore.js';
import type { Service } from '../startService.js';
import { imageQuery } from '../schemas.js';
import { idParam, validate } from '../validate.js';

/** Status of an image route for a failure the ingest recorded. */
const FAILURE_STATUS: Record<string, number> = { IMAGE_MISSING: 404, IMAGE_REFUSED: 403 };

/**
 * `GET /images/{dataset_id}/{sample_id}?size=small|medium|large|original`: a WebP
 * thumbnail (made on first request when missing) or the original bytes. The file
 * is found by id; no client-supplied path reaches the file system.
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
      throw new AppError(sample.failure_code, sample.failure_message ?? 'the image could not be read', {
        status: FAILURE_STATUS[sample.failure_code] ?? 422,
      });
    }
    const source = resolveImagePath(sample.image_dir, sample.file_name);
    if (source === null) throw new AppError('IMAGE_REFUSED', `${sample.file_name}: file_name leaves the image folder`, { status: 403 });
    if (size === 'original') {
      await sendOriginal(ctx, service, source, sample.file_name, sample.image_dir);
      return;
    }
    const file = await service.thumbnails.get(
      { datasetId, jobId: sample.job_id, sampleId },
      size as ThumbnailSize,
      { kind: 'path', path: source, within: sample.image_dir },
    );
    const etag = `"${sample.job_id.slice(0, 8)}-${size}-${file.size}-${Math.trunc(file.mtimeMs)}"`;
    let bytes: Buffer;
    try {
      bytes = await readFile(file.path);
    } catch {
      // Removed since it was found (its dataset deleted meanwhile): the lookup decides again.
      throw new AppError('IMAGE_MISSING', `${sample.file_name}: the thumbnail is no longer there`, { status: 404 });
    }
    service.thumbnailCache.set(datasetId, sampleId, size, { bytes, etag });
    sendBytes(ctx, bytes, etag);
  });
}

async function sendOriginal(ctx: Context, service: Service, source: string, fileName: string, imageDir: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(source);
  } catch {
    throw new AppError('IMAGE_MISSING', `${fileName}: the original image is no longer there`, { status: 404 });
  }
  // Inside its image folder once symlinks are resolved, and that folder inside INGEST_ROOTS.
  const within = real.startsWith(imageDir.endsWith(path.sep) ? imageDir : imageDir + path.sep);
  if (!within || !(await service.guard.contains(real))) {
    throw new AppError('IMAGE_REFUSED', `${fileName}: the image resolves outside its image folder`, { status: 403 });
  }
  const info = await stat(real);
  if (!info.isFile()) throw new AppError('IMAGE_MISSING', `${fileName}: not a file`, { status: 404 });
  const type = mime.lookup(fileName) || 'application/octet-stream';
  sendFile(ctx, real, type, `"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`, info.size);
}

/** Sends a file with an ETag; answers 304 when the client's copy is current. */
function sendFile(ctx: Context, file: string, type: string, etag: string, size: number): void {
  if (notModified(ctx, etag)) return;
  ctx.type = type;
  ctx.length = size;
  ctx.body = createReadStream(file);
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

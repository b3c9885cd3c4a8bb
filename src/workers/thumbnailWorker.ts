/**
 * The piscina worker that turns one image into WebP thumbnails. It decodes each
 * image once, whatever the number of outputs, because decoding is the cost that
 * bounds the whole service's throughput.
 *
 * Image problems come back as `{ ok: false, code, message }`; anything else that
 * throws (a malformed task, a bug) rejects the task, which the pool reports as
 * `WORKER_CRASHED`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import type sharpModule from 'sharp';
import type { OutputInfo, Sharp } from 'sharp';
import { contentHash } from '../quality/contentHash.js';
import type { ImageHashes } from '../quality/ImageHashes.js';
import { HASH_SOURCE_SIZE, hashPixels, type RawPixels } from './hashPixels.js';
import { loadSharp } from './loadSharp.js';
import { DEFAULT_WEBP_EFFORT, type ThumbnailOutput, type ThumbnailResult, type ThumbnailTask } from './messages.js';
import { errnoCode, ImageFailure, readSource, sourceName } from './readSource.js';

export { cutPanopticMasks } from './cutPanopticMasks.js';
export { matchImages } from './matchImages.js';

/** What the pool tells each of its threads. */
export interface ThumbnailWorkerData {
  /** Load sharp now, not on the first image: a warm pool's threads start before any job needs them. */
  preloadSharp: boolean;
}

// A failed load is reported by the first image that needs sharp, as any other time.
const preloading = (workerData as Partial<ThumbnailWorkerData> | null)?.preloadSharp === true ? loadSharp().catch(() => undefined) : null;

/**
 * The pool's start-up task (`ThumbnailPool.started`): answers once this thread
 * has loaded its modules and, when preloading, sharp.
 */
export async function threadReady(): Promise<true> {
  await preloading;
  return true;
}

/**
 * Raster formats we decode. Everything else sharp could open (SVG, PDF, raw
 * camera files...) is refused: SVG and PDF are documents that render, with
 * their own cost and resource model, not dataset images.
 */
const DECODED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);

/**
 * File system calls here are synchronous on purpose. This thread has nothing to
 * do while its image is read or written, and each async call is a round trip
 * through libuv's threadpool: about ten of them per image, each a wake-up during
 * which the core waits. Across this change the benchmark's thumbnail ingest went
 * from 0.77x to 0.89x of vipsthumbnail (a noisy machine: a direction, not a
 * figure). Only the decode and encode, which take milliseconds, stay async.
 */
/** Piscina calls the default export with each task. */
export default async function makeThumbnails(task: ThumbnailTask): Promise<ThumbnailResult> {
  const name = sourceName(task.source);
  try {
    const sharp = await loadSharp();
    const input = await readSource(task.source, name, task.maxPixels);
    const image = sharp(input, {
      limitInputPixels: task.maxPixels,
      autoOrient: true,
      // 'error' fails truncated or broken data but tolerates libjpeg warnings
      // such as "extraneous bytes before marker", which real datasets (COCO
      // train2017 included) contain and which decode fine.
      failOn: 'error',
    });
    // Header only: dimensions and format, no pixels decoded (measured 0.2 ms on a
    // 640x480 JPEG, against 8-20 ms for its thumbnail); the same instance then
    // decodes once. The pixel limit applies here, so a decompression bomb stops
    // before a single pixel is inflated.
    const meta = await decoding(name, () => image.metadata());
    if (!DECODED_FORMATS.has(meta.format)) {
      throw new ImageFailure('IMAGE_UNSUPPORTED', `${name}: ${meta.format} images are not supported`);
    }
    const outputs: ThumbnailOutput[] = [];
    const { encoded, pixels } = await encode(sharp, image, task, name, meta.autoOrient);
    for (const { output, webp } of encoded) {
      const made = { ...output, bytes: webp.info.size, width: webp.info.width, height: webp.info.height };
      if (output.path === null) {
        outputs.push({ ...made, data: webp.data });
      } else {
        await writeThumbnail(name, output.path, webp.data);
        outputs.push(made);
      }
    }
    const done = { ok: true as const, width: meta.autoOrient.width, height: meta.autoOrient.height, format: meta.format, outputs };
    if (!task.hashes) return done;
    const hashes: ImageHashes = { content: contentHash(input), perceptual: hashPixels(pixels!) };
    return { ...done, hashes };
  } catch (err) {
    if (err instanceof ImageFailure) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

/** Runs a sharp operation, turning its errors into image failures. */
async function decoding<T>(name: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    // sharp's messages can span lines (one per libvips warning); the first says it.
    const message = (err instanceof Error ? err.message : String(err)).split('\n', 1)[0]!.slice(0, 200);
    if (/exceeds pixel limit/i.test(message)) {
      throw new ImageFailure('IMAGE_TOO_LARGE', `${name}: has more pixels than the limit, refused before decoding`);
    }
    if (/unsupported image format/i.test(message)) {
      throw new ImageFailure('IMAGE_UNSUPPORTED', `${name}: is not an image in a supported format`);
    }
    throw new ImageFailure('IMAGE_UNDECODABLE', `${name}: cannot be decoded (${message})`);
  }
}

interface Encoded {
  output: { size: number; path: string | null };
  webp: { data: Buffer; info: OutputInfo };
}

/**
 * The task's WebPs, and the decoded pixels they were cut from when the task
 * asks for hashes. One output without hashes decodes straight into the WebP
 * (JPEG shrink-on-load applies); otherwise the image is decoded once, at the
 * largest size asked for (or {@link HASH_SOURCE_SIZE} for hashes alone), and
 * every output, and the hash, is cut from those pixels.
 */
async function encode(
  sharp: typeof sharpModule,
  image: Sharp,
  task: ThumbnailTask,
  name: string,
  source: Dimensions,
): Promise<{ encoded: Encoded[]; pixels?: RawPixels }> {
  const { outputs } = task;
  const webp = { quality: task.quality, effort: task.effort ?? DEFAULT_WEBP_EFFORT };
  if (outputs.length === 0 && !task.hashes) return { encoded: [] };
  if (outputs.length === 1 && !task.hashes) {
    const output = outputs[0]!;
    const resized = image.resize({ ...fitted(source, output.size), fit: 'fill' });
    return { encoded: [{ output, webp: await decoding(name, () => toWebp(resized, webp)) }] };
  }
  const largest = outputs.length === 0 ? HASH_SOURCE_SIZE : Math.max(...outputs.map((o) => o.size));
  const { data, info } = await decoding(name, () =>
    image
      .resize({ ...fitted(source, largest), fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .timeout({ seconds: PROCESSING_TIMEOUT_S })
      .toBuffer({ resolveWithObject: true }),
  );
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const encoded: Encoded[] = [];
  for (const output of outputs) {
    // Dimensions come from the source, not from the intermediate pixels, so that
    // each size rounds exactly as if it had been made from the original.
    const target = fitted(source, output.size);
    const resized = target.width === info.width && target.height === info.height ? sharp(data, raw) : sharp(data, raw).resize({ ...target, fit: 'fill' });
    encoded.push({ output, webp: await decoding(name, () => srgbToWebp(resized, webp)) });
  }
  return { encoded, pixels: { data, info: raw.raw } };
}

interface Dimensions {
  width: number;
  height: number;
}

/**
 * `size` on the longer side, aspect kept, never enlarged: what sharp's
 * `fit: 'inside', withoutEnlargement: true` computes, made explicit so that every
 * output, whichever pixels it is cut from, gets the same dimensions.
 */
function fitted(source: Dimensions, size: number): Dimensions {
  const scale = Math.min(1, size / Math.max(source.width, source.height));
  return {
    width: Math.max(1, Math.round(source.width * scale)),
    height: Math.max(1, Math.round(source.height * scale)),
  };
}

/**
 * Seconds one image's decode and encode may take. Tasks run without being
 * cancellable (the pool does not terminate a worker to abort one), so a file
 * that sends libvips into a pathological path fails here instead of holding a slot.
 */
const PROCESSING_TIMEOUT_S = 60;

function toWebp(image: Sharp, settings: { quality: number; effort: number }) {
  // toColourspace: CMYK, 16-bit and greyscale inputs all come out as 8-bit sRGB.
  return srgbToWebp(image.toColourspace('srgb'), settings);
}

/**
 * The WebP of pixels already 8-bit sRGB (those {@link encode} decoded): no
 * colour conversion asked for, since each operation in a pipeline is work
 * libvips does per pixel even when it changes nothing.
 */
function srgbToWebp(image: Sharp, settings: { quality: number; effort: number }) {
  return image.webp(settings).timeout({ seconds: PROCESSING_TIMEOUT_S }).toBuffer({ resolveWithObject: true });
}

/** Writes to a temporary name and renames, so readers never see a half-written file. */
async function writeThumbnail(name: string, target: string, data: Buffer): Promise<void> {
  const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    try {
      writeFileSync(temporary, data);
    } catch (err) {
      // The directory is made on the first write into it, not checked before every one.
      if (errnoCode(err) !== 'ENOENT') throw err;
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(temporary, data);
    }
    renameSync(temporary, target);
  } catch (err) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing more to clean up.
    }
    throw new ImageFailure('THUMBNAIL_WRITE_FAILED', `${name}: cannot write thumbnail ${path.basename(target)} (${errnoCode(err) ?? 'unknown error'})`);
  }
}

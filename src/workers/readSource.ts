import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { maxImageBytes } from '../util/maxImageBytes.js';
import type { ImageErrorCode, ThumbnailSource } from './messages.js';

/** An image problem, internal to this thread: it becomes `{ ok: false }` before leaving it. */
export class ImageFailure extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The name a source goes by in messages: its file's base name, or the name given with its bytes. */
export function sourceName(source: ThumbnailSource): string {
  switch (source?.kind) {
    case 'path':
      return path.basename(source.path);
    case 'bytes':
      return source.name ?? 'image';
    case 'stored':
      // An image by URL (no folder) goes by its URL, as it does once fetched.
      return source.imageDir === null ? source.location : path.posix.basename(source.location);
    default: {
      const kind = (source as { kind?: unknown } | undefined)?.kind;
      throw new TypeError(`ThumbnailTask.source.kind must be 'path' or 'bytes', got ${JSON.stringify(kind)}`);
    }
  }
}

/**
 * The bytes of a task's source: given, or read from its path with exact errno
 * codes (sharp folds them into messages); O_NONBLOCK keeps a FIFO from blocking
 * the open forever. Failures are {@link ImageFailure}s naming the file.
 */
export async function readSource(source: ThumbnailSource, name: string, maxPixels: number): Promise<Uint8Array> {
  if (source.kind === 'stored') throw new TypeError(`${name}: a stored source is read by the queue's workers, not by the pool`);
  if (source.kind === 'bytes') {
    if (source.bytes.byteLength === 0) throw new ImageFailure('IMAGE_UNDECODABLE', `${name}: is empty`);
    if (source.bytes.byteLength > maxImageBytes(maxPixels)) {
      throw new ImageFailure('IMAGE_TOO_LARGE', `${name}: ${source.bytes.byteLength} bytes is too large for the limit of ${maxPixels} pixels`);
    }
    return source.bytes;
  }
  let fd: number;
  try {
    fd = openSync(source.path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw readFailure(name, err);
  }
  try {
    if (source.within !== undefined) checkWithin(fd, source.path, source.within, name);
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new ImageFailure('IMAGE_UNREADABLE', `${name}: is a directory`);
    if (!stats.isFile()) throw new ImageFailure('IMAGE_UNREADABLE', `${name}: is not a regular file`);
    if (stats.size === 0) throw new ImageFailure('IMAGE_UNDECODABLE', `${name}: is empty`);
    if (stats.size > maxImageBytes(maxPixels)) {
      throw new ImageFailure('IMAGE_TOO_LARGE', `${name}: ${stats.size} bytes is too large for the limit of ${maxPixels} pixels`);
    }
    const bytes = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (read === 0) break; // the file shrank while being read: decode what is there
      filled += read;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (err) {
    throw err instanceof ImageFailure ? err : readFailure(name, err);
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a file that, symlinks resolved, lies outside `within`. The path checked
 * is the one of the file actually opened (Linux's /proc/self/fd), so a symlink
 * swapped between a check and the open cannot slip through.
 */
function checkWithin(fd: number, file: string, within: string, name: string): void {
  let real: string;
  try {
    real = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    real = realpathSync(file); // no /proc: the best a portable check can do
  }
  if (real !== within && !real.startsWith(within.endsWith(path.sep) ? within : within + path.sep)) {
    throw new ImageFailure('IMAGE_REFUSED', `${name}: resolves outside the image folder; not read`);
  }
}

function readFailure(name: string, err: unknown): ImageFailure {
  const code = errnoCode(err);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ImageFailure('IMAGE_MISSING', `${name}: file not found`);
    case 'EACCES':
    case 'EPERM':
      return new ImageFailure('IMAGE_UNREADABLE', `${name}: permission denied`);
    case 'EISDIR':
      return new ImageFailure('IMAGE_UNREADABLE', `${name}: is a directory`);
    case 'ERR_FS_FILE_TOO_LARGE':
      return new ImageFailure('IMAGE_TOO_LARGE', `${name}: file is too large to read`);
    default:
      return new ImageFailure('IMAGE_UNREADABLE', `${name}: cannot be read (${code ?? 'unknown error'})`);
  }
}

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../errors.js';
import { checkUnpackBounds } from './checkUnpackBounds.js';
import { freeDiskBytes } from './freeDiskBytes.js';

/** Bounds of {@link unpackZip}. */
export interface UnpackZipOptions {
  /** Entries (files and folders) an archive may hold; default 2,000,000 (`MAX_UPLOAD_ENTRIES`'s). */
  maxEntries?: number;
  /**
   * Bytes all entries may unpack to: checked first against what the central
   * directory declares, then counted as they are written; default 64 GiB.
   */
  maxBytes?: number;
  /** Most bytes the entries may declare per byte of the archive; default 50 (see `MAX_UNPACK_RATIO` in config.ts). */
  maxRatio?: number;
  /** Bytes the unpacked files must leave free on their disk; default 1 GiB (`MIN_FREE_DISK_BYTES`). */
  keepFreeBytes?: number;
  signal?: AbortSignal;
  /** After each entry: entries done, the archive's entry count, and bytes written so far. */
  onProgress?: (entries: number, total: number, bytes: number) => void;
}

const DEFAULTS = { maxEntries: 2_000_000, maxBytes: 64 * 1024 ** 3, maxRatio: 50, keepFreeBytes: 1024 ** 3 } as const;

/** The Unix file type bits of an entry's external attributes (high 16 bits), and a symbolic link's. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** How yauzl reads an archive: entries one at a time, each held to its declared size. */
const OPEN_OPTIONS = { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, decodeStrings: true } as const;

/**
 * Unpacks a zip file into `dir` (yauzl, one entry at a time, streamed to disk),
 * refusing what could escape or flood it. Before a byte is written, a first
 * pass over the central directory refuses an entry whose name is absolute or
 * climbs out with `..`, a symbolic link, more than `maxEntries` entries, and
 * declared sizes past the bounds of {@link checkUnpackBounds}: `maxBytes`, a
 * ratio to the archive's size past `maxRatio`, or more than the disk holds
 * less `keepFreeBytes`. Then each entry is written, yauzl holding it to its
 * declared size and the bytes counted against `maxBytes` as they go.
 * @returns the files written, as paths relative to `dir` (with `/`).
 * @throws AppError `UPLOAD_REJECTED` naming the entry or the bound, and what is
 *   wrong; nothing is written when the first pass refuses, and what the second
 *   wrote is the caller's to remove.
 */
export async function unpackZip(file: string, dir: string, options: UnpackZipOptions = {}): Promise<string[]> {
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const root = path.resolve(dir);
  const declared = await survey(file, root, maxEntries, options.signal);
  checkUnpackBounds(declared, {
    archiveBytes: (await stat(file)).size,
    maxBytes,
    maxRatio: options.maxRatio ?? DEFAULTS.maxRatio,
    freeBytes: await freeDiskBytes(root),
    keepFreeBytes: options.keepFreeBytes ?? DEFAULTS.keepFreeBytes,
  });
  const zip = await open(file);
  const written: string[] = [];
  // Folders made so far: an archive of 100K images in one folder makes it once, not 100K times.
  const folders = new Set<string>();
  const made = async (folder: string) => {
    if (folders.has(folder)) return;
    await mkdir(folder, { recursive: true });
    folders.add(folder);
  };
  let entries = 0;
  let bytes = 0;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const entry = await nextEntry(zip);
      if (entry === null) return written;
      entries++;
      const name = entry.fileName;
      const target = checkedTarget(entry, root);
      if (name.endsWith('/')) {
        await made(target);
        options.onProgress?.(entries, zip.entryCount, bytes);
        continue;
      }
      await made(path.dirname(target));
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > maxBytes) done(rejected(`${name}: unpacks past the bound of ${maxBytes} bytes`));
          else done(null, chunk);
        },
      });
      try {
        await pipeline(
          await zip.openReadStreamPromise(entry),
          counter,
          createWriteStream(target, { flags: 'wx' }),
          options.signal ? { signal: options.signal } : {},
        );
      } catch (err) {
        if (err instanceof AppError || options.signal?.aborted) throw err;
        // yauzl's check of the real size against the declared one, among others: named with its entry.
        throw rejected(`${name}: cannot be unpacked (${(err as Error).message})`);
      }
      written.push(name);
      options.onProgress?.(entries, zip.entryCount, bytes);
    }
  } catch (err) {
    throw asRejection(err, options.signal);
  } finally {
    zip.close();
  }
}

/**
 * The first pass: every entry's name and kind checked, and the bytes they
 * declare, summed, read from the central directory alone.
 */
async function survey(file: string, root: string, maxEntries: number, signal?: AbortSignal): Promise<number> {
  const zip = await open(file);
  try {
    // yauzl reads exactly the entries the central directory counts: the bound is checked once, here.
    if (zip.entryCount > maxEntries) throw rejected(`holds ${zip.entryCount} entries, more than ${maxEntries}`);
    let declared = 0;
    for (;;) {
      signal?.throwIfAborted();
      const entry = await nextEntry(zip);
      if (entry === null) return declared;
      checkedTarget(entry, root);
      declared += entry.uncompressedSize;
    }
  } catch (err) {
    throw asRejection(err, signal);
  } finally {
    zip.close();
  }
}

async function open(file: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(file, OPEN_OPTIONS);
  } catch (err) {
    throw rejected(`not a readable zip archive (${(err as Error).message})`);
  }
}

/** Where an entry goes inside `root`. @throws AppError `UPLOAD_REJECTED` for a name that leaves it, or a symbolic link. */
function checkedTarget(entry: Entry, root: string): string {
  const name = entry.fileName;
  const target = path.resolve(root, name);
  if (path.isAbsolute(name) || name.split('/').includes('..') || (target !== root && !target.startsWith(`${root}${path.sep}`))) {
    throw rejected(`${name}: leaves the archive's folder`);
  }
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw rejected(`${name}: is a symbolic link`);
  return target;
}

/** What a pass threw, as the `UPLOAD_REJECTED` it stands for (an abort and our own errors as they are). */
function asRejection(err: unknown, signal?: AbortSignal): unknown {
  if (err instanceof AppError || signal?.aborted) return err;
  // yauzl checks names itself, and says so in its own words.
  const climbing = /^invalid relative path: (.*)$/.exec((err as Error).message);
  if (climbing) return rejected(`${climbing[1]}: leaves the archive's folder`);
  return rejected(`cannot be unpacked (${(err as Error).message})`);
}

/** The archive's next entry, or null after the last; each call's listeners go with it. */
function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const settle = (entry: Entry | null, err?: Error) => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
      if (err) reject(err);
      else resolve(entry);
    };
    const onEntry = (entry: Entry) => settle(entry);
    const onEnd = () => settle(null);
    const onError = (err: Error) => settle(null, err);
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function rejected(message: string): AppError {
  return new AppError('UPLOAD_REJECTED', `uploaded archive: ${message}`);
}

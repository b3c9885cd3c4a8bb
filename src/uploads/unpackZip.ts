import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../errors.js';

/** Bounds of {@link unpackZip}. */
export interface UnpackZipOptions {
  /** Entries (files and folders) an archive may hold; default 200,000. */
  maxEntries?: number;
  /** Bytes all entries may unpack to, counted as they are written, not as headers claim; default 64 GiB. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** After each entry: entries done, the archive's entry count, and bytes written so far. */
  onProgress?: (entries: number, total: number, bytes: number) => void;
}

const DEFAULTS = { maxEntries: 200_000, maxBytes: 64 * 1024 ** 3 } as const;

/** The Unix file type bits of an entry's external attributes (high 16 bits), and a symbolic link's. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Unpacks a zip file into `dir` (yauzl, one entry at a time, streamed to disk),
 * refusing what could escape or flood it: an entry whose name is absolute or
 * climbs out with `..`, a symbolic link, more than `maxEntries` entries, and
 * more than `maxBytes` unpacked, counted byte by byte as they are written, so
 * that a decompression bomb stops at the bound rather than when the disk is
 * full. yauzl also checks each entry's real size against its header.
 * @returns the files written, as paths relative to `dir` (with `/`).
 * @throws AppError `UPLOAD_REJECTED` naming the entry and what is wrong; what
 *   was written so far is the caller's to remove.
 */
export async function unpackZip(file: string, dir: string, options: UnpackZipOptions = {}): Promise<string[]> {
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const root = path.resolve(dir);
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, decodeStrings: true });
  } catch (err) {
    throw rejected(`not a readable zip archive (${(err as Error).message})`);
  }
  // yauzl reads exactly the entries the central directory counts: the bound is checked once, here.
  if (zip.entryCount > maxEntries) {
    zip.close();
    throw rejected(`holds ${zip.entryCount} entries, more than ${maxEntries}`);
  }
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
      const target = path.resolve(root, name);
      if (path.isAbsolute(name) || name.split('/').includes('..') || (target !== root && !target.startsWith(`${root}${path.sep}`))) {
        throw rejected(`${name}: leaves the archive's folder`);
      }
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw rejected(`${name}: is a symbolic link`);
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
      await pipeline(await zip.openReadStreamPromise(entry), counter, createWriteStream(target, { flags: 'wx' }), options.signal ? { signal: options.signal } : {});
      written.push(name);
      options.onProgress?.(entries, zip.entryCount, bytes);
    }
  } catch (err) {
    if (err instanceof AppError || options.signal?.aborted) throw err;
    // yauzl checks names itself, and says so in its own words.
    const climbing = /^invalid relative path: (.*)$/.exec((err as Error).message);
    if (climbing) throw rejected(`${climbing[1]}: leaves the archive's folder`);
    throw rejected(`cannot be unpacked (${(err as Error).message})`);
  } finally {
    zip.close();
  }
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

import { createReadStream } from 'node:fs';
import { type FileHandle, open, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError, objectForbidden, objectNotFound, objectReadFailed, objectTooLarge } from '../errors.js';
import { fileChunks } from './fileChunks.js';
import type { ByteRange, ListedObject, ObjectReadOptions, ObjectStat, ObjectStore } from './ObjectStore.js';

/**
 * Files on local disk, by absolute path. Paths reach it already checked against
 * the ingest roots ({@link PathGuard}); it only reads.
 */
export class LocalFileStore implements ObjectStore {
  async stat(location: string): Promise<ObjectStat> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(location);
    } catch (err) {
      throw fileError(location, err);
    }
    if (!info.isFile()) throw objectNotFound(location);
    return { size: info.size, etag: `"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`, mtimeMs: info.mtimeMs };
  }

  /** True when `location` is a directory (false when it is missing or anything else). */
  async isDirectory(location: string): Promise<boolean> {
    try {
      return (await stat(location)).isDirectory();
    } catch {
      return false;
    }
  }

  read(location: string, range?: ByteRange, options: ObjectReadOptions = {}): Readable {
    return createReadStream(location, { ...(range ?? {}), ...(options.signal ? { signal: options.signal } : {}) });
  }

  async readBytes(location: string, options: ObjectReadOptions & { maxBytes: number }): Promise<Uint8Array> {
    options.signal?.throwIfAborted();
    const handle = await openFile(location);
    try {
      const { size } = await handle.stat();
      if (size > options.maxBytes) throw objectTooLarge(location, size, options.maxBytes);
      // Its own ArrayBuffer (never Node's shared pool), so it can be moved to a worker.
      const bytes = new Uint8Array(new ArrayBuffer(size));
      let filled = 0;
      while (filled < size) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === size ? bytes : bytes.subarray(0, filled);
    } catch (err) {
      throw err instanceof AppError || options.signal?.aborted ? err : fileError(location, err);
    } finally {
      await handle.close();
    }
  }

  async *readChunks(location: string, options: ObjectReadOptions & { chunkBytes: number }): AsyncGenerator<Buffer, void, undefined> {
    const handle = await openFile(location);
    try {
      yield* fileChunks(handle, options);
    } finally {
      await handle.close();
    }
  }

  async *list(prefix: string): AsyncGenerator<ListedObject, void, undefined> {
    let dir: Awaited<ReturnType<typeof opendir>>;
    try {
      dir = await opendir(prefix);
    } catch (err) {
      throw fileError(prefix, err);
    }
    const entries: { name: string; directory: boolean }[] = [];
    for await (const entry of dir) {
      if (entry.isFile() || entry.isDirectory()) entries.push({ name: entry.name, directory: entry.isDirectory() });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const location = path.join(prefix, entry.name);
      if (entry.directory) {
        yield* this.list(location);
      } else {
        try {
          yield { location, size: (await stat(location)).size };
        } catch {
          // Removed while listing: not there any more.
        }
      }
    }
  }
}

async function openFile(location: string): Promise<FileHandle> {
  try {
    return await open(location, 'r');
  } catch (err) {
    throw fileError(location, err);
  }
}

function fileError(location: string, err: unknown): AppError {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return objectNotFound(location);
  if (code === 'EACCES' || code === 'EPERM') return objectForbidden(location, 'permission denied');
  return objectReadFailed(location, `cannot be read (${typeof code === 'string' ? code : 'unknown error'})`, err);
}

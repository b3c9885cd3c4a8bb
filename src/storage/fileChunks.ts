import type { FileHandle } from 'node:fs/promises';

/** Options of {@link fileChunks}. */
export interface FileChunksOptions {
  /** Bytes per read. Required. */
  chunkBytes: number;
  /** Checked before every read; the generator throws its reason once aborted. Default: none. */
  signal?: AbortSignal;
}

/**
 * Reads an open file from start to end into one buffer, reused for every read:
 * each chunk yielded is valid only until the next is pulled. A stream would
 * allocate a fresh buffer per read, hundreds of megabytes for a large file,
 * which the allocator then holds on to (measured as RSS that kept growing with
 * the file's size). The caller owns `handle` and closes it.
 */
export async function* fileChunks(handle: FileHandle, options: FileChunksOptions): AsyncGenerator<Buffer, void, undefined> {
  const { chunkBytes, signal } = options;
  const buffer = Buffer.allocUnsafe(chunkBytes);
  for (;;) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

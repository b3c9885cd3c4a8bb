import { Readable } from 'node:stream';
import { readBytesWithin } from './collectBytes.js';
import type { ByteRange, ListedObject, ObjectReadOptions, ObjectStat, ObjectStore } from './ObjectStore.js';

/** Filled in from the first response of a read. */
export interface ReadState {
  /** The whole object's size, once a response told it. */
  total: number | null;
}

/** A read that brought nothing for too long: the stores resume it, or give up past their retries. */
export class StallError extends Error {
  constructor(ms: number) {
    super(`no data for ${ms} ms`);
    this.name = 'StallError';
  }
}

/**
 * A network store whose reads are one resumable stream of an object's bytes
 * ({@link resumable}): streamed reads, chunked reads and whole reads within a
 * deadline are built on it the same way for every such store.
 */
export abstract class ResumableObjectStore implements ObjectStore {
  /** Ms an object may take to arrive whole in {@link readBytes}. */
  protected abstract readonly deadlineMs: number;

  /** The object's bytes (or `range`'s) as they arrive, resumed where a response broke off. */
  protected abstract resumable(
    url: string,
    range: ByteRange | null,
    signal: AbortSignal | undefined,
    state: ReadState,
  ): AsyncGenerator<Buffer, void, undefined>;

  abstract stat(url: string): Promise<ObjectStat>;
  abstract list(prefix: string, options?: { pageSize?: number }): AsyncGenerator<ListedObject, void, undefined>;

  read(url: string, range?: ByteRange, options: ObjectReadOptions = {}): Readable {
    return Readable.from(this.resumable(url, range ?? null, options.signal, { total: null }), { objectMode: false });
  }

  readChunks(url: string, options: ObjectReadOptions & { chunkBytes: number }): AsyncGenerator<Buffer, void, undefined> {
    return this.resumable(url, null, options.signal, { total: null });
  }

  readBytes(url: string, options: ObjectReadOptions & { maxBytes: number }): Promise<Uint8Array> {
    return readBytesWithin((signal, state) => this.resumable(url, null, signal, state), {
      location: url,
      maxBytes: options.maxBytes,
      timeoutMs: this.deadlineMs,
      signal: options.signal,
    });
  }
}

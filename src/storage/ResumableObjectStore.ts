import { Readable } from 'node:stream';
import { readBytesWithin } from './collectBytes.js';
import type { ByteRange, ListedObject, ObjectReadOptions, ObjectStat, ObjectStore } from './ObjectStore.js';
import { type ResumeReadsOptions, resumeReads } from './resumeReads.js';

/** Filled in from the first response of a read. */
export interface ReadState {
  /** The whole object's size, once a response told it. */
  total: number | null;
}

/** What a store does in one read: its attempts, and what it decides between them. */
export type ReadPlan = Pick<ResumeReadsOptions, 'attempt' | 'recover'>;

/** The timing every read of a {@link ResumableObjectStore} keeps. */
export interface ResumableTiming {
  /** Ms an object may take to arrive whole in {@link ResumableObjectStore.readBytes}. */
  deadlineMs: number;
  /** Longest silence of a response body, in ms, before the read is resumed from where it stopped. */
  stallTimeoutMs: number;
}

/**
 * A network store whose reads are one resumable stream of an object's bytes
 * ({@link resumeReads}, run on each read's {@link plan}): streamed reads,
 * chunked reads and whole reads within a deadline are built on it the same way
 * for every such store.
 */
export abstract class ResumableObjectStore implements ObjectStore {
  readonly #timing: ResumableTiming;

  constructor(timing: ResumableTiming) {
    this.#timing = timing;
  }

  /** A new read of the object (or of `range`): its state across attempts, how each asks, and how it recovers. */
  protected abstract plan(url: string, range: ByteRange | null, state: ReadState): ReadPlan;

  abstract stat(url: string): Promise<ObjectStat>;
  abstract list(prefix: string, options?: { pageSize?: number }): AsyncGenerator<ListedObject, void, undefined>;

  read(url: string, range?: ByteRange, options: ObjectReadOptions = {}): Readable {
    return Readable.from(this.#resumable(url, range ?? null, options.signal, { total: null }), { objectMode: false });
  }

  readChunks(url: string, options: ObjectReadOptions & { chunkBytes: number }): AsyncGenerator<Buffer, void, undefined> {
    return this.#resumable(url, null, options.signal, { total: null });
  }

  readBytes(url: string, options: ObjectReadOptions & { maxBytes: number }): Promise<Uint8Array> {
    return readBytesWithin((signal, state) => this.#resumable(url, null, signal, state), {
      location: url,
      maxBytes: options.maxBytes,
      timeoutMs: this.#timing.deadlineMs,
      signal: options.signal,
    });
  }

  /**
   * The object's bytes (or `range`'s) as they arrive, resumed where a response
   * broke off. A generator itself, so that a URL the store cannot read fails the
   * read's first chunk, as every other error does, not the call.
   */
  async *#resumable(url: string, range: ByteRange | null, signal: AbortSignal | undefined, state: ReadState): AsyncGenerator<Buffer, void, undefined> {
    yield* resumeReads({ start: range?.start ?? 0, stallTimeoutMs: this.#timing.stallTimeoutMs, signal, ...this.plan(url, range, state) });
  }
}

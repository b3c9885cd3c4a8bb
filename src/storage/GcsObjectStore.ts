import { setTimeout as sleep } from 'node:timers/promises';
import { type Bucket, type GetFilesResponse, IdempotencyStrategy, Storage } from '@google-cloud/storage';
import { AppError, objectForbidden, objectNotFound, objectReadFailed } from '../errors.js';
import { type GsUrl, parseGsUrl } from './gsUrl.js';
import type { ByteRange, ListedObject, ObjectStat } from './ObjectStore.js';
import { type ReadState, ResumableObjectStore, StallError } from './ResumableObjectStore.js';

/** Options of {@link GcsObjectStore}. */
export interface GcsObjectStoreOptions {
  /** Google Cloud project. Default: Application Default Credentials' project. */
  projectId?: string;
  /** API endpoint, for emulators (`http://127.0.0.1:9199`). Default: Google's, or `STORAGE_EMULATOR_HOST` when set. */
  apiEndpoint?: string;
  /** Milliseconds one request may take, and one image to arrive whole ({@link GcsObjectStore.readBytes}). Default 30 000 ({@link GCS_DEFAULTS}). */
  timeoutMs?: number;
  /**
   * Longest silence of a response body, in ms, before the read is resumed from
   * where it stopped. Default 10 000. This is how a connection lost mid-body is
   * noticed at all: the client's HTTP layer (node-fetch 2) reports a premature
   * close only for chunked responses, and object downloads are not chunked, so
   * a cut-off download otherwise waits forever.
   */
  stallTimeoutMs?: number;
  /** Retries of a request that failed with 408, 429, 5xx or a reset, with exponential backoff. Default 4. */
  maxRetries?: number;
  /** First backoff in ms, doubled at each retry. Default 250. */
  retryDelayMs?: number;
}

/** Defaults of {@link GcsObjectStoreOptions}. */
export const GCS_DEFAULTS = { timeoutMs: 30_000, stallTimeoutMs: 10_000, maxRetries: 4, retryDelayMs: 250 } as const;

/**
 * Objects in Google Cloud Storage, by `gs://` URL, through the official client.
 *
 * The client retries a request that fails before its response (429, 5xx,
 * resets) with its own backoff. What it cannot retry is a body cut off half way,
 * which a 300 MB annotation file meets sooner or later: a body silent for
 * `stallTimeoutMs` is resumed from the byte it reached, pinned to the object
 * generation it started on, so a replaced object is never spliced with its
 * predecessor. An image that takes longer than `timeoutMs` whole fails.
 */
export class GcsObjectStore extends ResumableObjectStore {
  readonly #storage: Storage;
  readonly #timeoutMs: number;
  protected get deadlineMs(): number {
    return this.#timeoutMs;
  }
  readonly #stallTimeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: GcsObjectStoreOptions = {}) {
    super();
    this.#timeoutMs = options.timeoutMs ?? GCS_DEFAULTS.timeoutMs;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? GCS_DEFAULTS.stallTimeoutMs;
    this.#maxRetries = options.maxRetries ?? GCS_DEFAULTS.maxRetries;
    this.#retryDelayMs = options.retryDelayMs ?? GCS_DEFAULTS.retryDelayMs;
    this.#storage = new Storage({
      ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
      ...(options.apiEndpoint === undefined ? {} : { apiEndpoint: options.apiEndpoint }),
      timeout: this.#timeoutMs,
      retryOptions: {
        autoRetry: this.#maxRetries > 0,
        maxRetries: this.#maxRetries,
        retryDelayMultiplier: 2,
        maxRetryDelay: 8,
        // Everything this service sends is idempotent: reads, and thumbnail writes
        // and deletes that leave the same state however often they are repeated.
        idempotencyStrategy: IdempotencyStrategy.RetryAlways,
      },
    });
  }

  async stat(url: string): Promise<ObjectStat> {
    const at = gs(url);
    try {
      const [metadata] = await this.#bucket(at.bucket).file(at.name).getMetadata();
      const updated = metadata.updated ? Date.parse(metadata.updated) : NaN;
      return {
        size: Number(metadata.size ?? 0),
        etag: `"${metadata.etag ?? metadata.generation ?? metadata.size}"`,
        mtimeMs: Number.isFinite(updated) ? updated : null,
      };
    } catch (err) {
      throw objectError(url, err);
    }
  }

  /** Writes an object whole (one request, no resumable session: thumbnails are a few KB). */
  async write(url: string, bytes: Uint8Array, options: { contentType: string; cacheControl?: string }): Promise<void> {
    const at = gs(url);
    try {
      await this.#bucket(at.bucket)
        .file(at.name)
        .save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
          resumable: false,
          contentType: options.contentType,
          ...(options.cacheControl ? { metadata: { cacheControl: options.cacheControl } } : {}),
        });
    } catch (err) {
      throw objectError(url, err);
    }
  }

  /** Deletes every object under a `gs://bucket/prefix/`. */
  async deletePrefix(prefixUrl: string): Promise<void> {
    const at = gs(prefixUrl);
    try {
      await this.#bucket(at.bucket).deleteFiles({ prefix: at.name, force: true });
    } catch (err) {
      throw objectError(prefixUrl, err);
    }
  }

  async *list(prefixUrl: string, options: { pageSize?: number } = {}): AsyncGenerator<ListedObject, void, undefined> {
    const at = gs(prefixUrl);
    const bucket = this.#bucket(at.bucket);
    let pageToken: string | undefined;
    do {
      let page: GetFilesResponse;
      try {
        page = await bucket.getFiles({ prefix: at.name, autoPaginate: false, maxResults: options.pageSize ?? 1000, pageToken });
      } catch (err) {
        throw objectError(prefixUrl, err);
      }
      const [files, next] = page;
      for (const file of files) yield { location: `gs://${at.bucket}/${file.name}`, size: Number(file.metadata.size ?? 0) };
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }

  /**
   * The object's bytes (or `range`'s) as they arrive. A response cut off or
   * silent for `timeoutMs` is resumed from the next byte, from the same
   * generation; `maxRetries` attempts in a row that bring no byte give up.
   */
  protected async *resumable(url: string, range: ByteRange | null, signal: AbortSignal | undefined, state: ReadState): AsyncGenerator<Buffer, void, undefined> {
    const at = gs(url);
    let offset = range?.start ?? 0;
    let generation: number | undefined;
    let fruitless = 0;
    for (;;) {
      signal?.throwIfAborted();
      const file = this.#bucket(at.bucket).file(at.name, generation === undefined ? {} : { generation });
      // An explicit start makes every request ranged, so a resumed one and the first look alike.
      const source = file.createReadStream({ start: offset, ...(range ? { end: range.end } : {}), validation: false });
      let responded = false;
      source.once('response', (res: { headers: Record<string, string | string[] | undefined> }) => {
        responded = true;
        generation ??= numberHeader(res.headers['x-goog-generation']) ?? undefined;
        state.total ??= totalSize(res.headers, offset);
      });
      // Silence counts only while we wait for bytes, not while our consumer holds a chunk (the parser may wait on the pool).
      let consuming = false;
      const timer = setTimeout(() => {
        if (consuming) timer.refresh();
        else source.destroy(new StallError(this.#stallTimeoutMs));
      }, this.#stallTimeoutMs);
      const onAbort = () => source.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      const before = offset;
      let ended = false;
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          offset += chunk.length;
          consuming = true;
          yield chunk;
          consuming = false;
          timer.refresh();
        }
        ended = true;
        return;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (offset > before) fruitless = 0;
        // Failures before a response were already retried by the client; ours resume bodies cut off.
        if (!(responded || err instanceof StallError) || !resumable(err) || ++fruitless > this.#maxRetries) throw objectError(url, err);
        await sleep(this.#retryDelayMs * 2 ** (fruitless - 1), undefined, signal ? { signal } : {}).catch(() => {
          throw signal?.reason;
        });
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!ended) source.destroy();
      }
    }
  }

  #bucket(name: string): Bucket {
    let bucket = this.#buckets.get(name);
    if (!bucket) {
      bucket = this.#storage.bucket(name);
      this.#buckets.set(name, bucket);
    }
    return bucket;
  }
}

function gs(url: string): GsUrl {
  const at = parseGsUrl(url);
  if (!at) throw new RangeError(`${url}: not a gs:// URL`);
  return at;
}

function numberHeader(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The whole object's size: `Content-Range: bytes a-b/total`, or the length of a whole-object answer. */
function totalSize(headers: Record<string, string | string[] | undefined>, offset: number): number | null {
  const range = headers['content-range'];
  const total = typeof range === 'string' ? /\/(\d+)$/.exec(range)?.[1] : undefined;
  if (total !== undefined) return Number(total);
  const length = numberHeader(headers['content-length']);
  return length === null ? null : length + offset;
}

/** A connection lost or silent mid-body; not an HTTP status, which the client's own retries handled. */
function resumable(err: unknown): boolean {
  if (err instanceof StallError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return false;
  const text = `${typeof code === 'string' ? code : ''} ${err instanceof Error ? err.message : ''}`.toLowerCase();
  return /econnreset|econnrefused|epipe|etimedout|socket hang up|aborted|premature close|terminated|other side closed|unexpected end/.test(text);
}

/** Maps the client's errors to ours, naming the object. */
function objectError(url: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 404) return objectNotFound(url);
  if (code === 401 || code === 403) return objectForbidden(url, 'access denied by Cloud Storage');
  const message = err instanceof Error ? err.message.split('\n', 1)[0]! : String(err);
  return objectReadFailed(url, message.slice(0, 300), err);
}

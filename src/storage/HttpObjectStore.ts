import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, forbiddenPath, objectForbidden, objectNotFound, objectReadFailed } from '../errors.js';
import type { ByteRange, ListedObject, ObjectStat } from './ObjectStore.js';
import { type ReadState, ResumableObjectStore, StallError } from './ResumableObjectStore.js';

/** Options of {@link HttpObjectStore}. */
export interface HttpObjectStoreOptions {
  /** Ms a request may wait for its response's headers, and one image to arrive whole ({@link HttpObjectStore.readBytes}). Default 30 000. */
  timeoutMs?: number;
  /** Longest silence of a response body, in ms, before the read is resumed from where it stopped. Default 10 000. */
  stallTimeoutMs?: number;
  /** Retries of a request that failed with 408, 429, 5xx or a network error, and of a body cut off, with exponential backoff. Default 4. */
  maxRetries?: number;
  /** First backoff in ms, doubled at each retry. Default 250. */
  retryDelayMs?: number;
  /** Whether a redirect may be followed to `url` (inside INGEST_ROOTS). Default: no redirect is followed. */
  admits?: (url: string) => boolean;
}

/** Defaults of {@link HttpObjectStoreOptions}. */
export const HTTP_DEFAULTS = { timeoutMs: 30_000, stallTimeoutMs: 10_000, maxRetries: 4, retryDelayMs: 250 } as const;

const MAX_REDIRECTS = 5;
const RETRIED = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Files behind http(s) URLs (images by `coco_url`, a dataset on a web server),
 * read with the platform's fetch: `HEAD` for size, ranged `GET`s for originals,
 * retries with backoff for what fails before a response, a body cut off or
 * silent for `stallTimeoutMs` resumed from the byte it reached (`Range` with
 * `If-Range`, so a changed file is never spliced), and a deadline per image.
 * Redirects are followed only inside INGEST_ROOTS; one out of them is
 * `PATH_FORBIDDEN`, as the URL itself would be. Errors name the URL.
 */
export class HttpObjectStore extends ResumableObjectStore {
  readonly #timeoutMs: number;
  protected get deadlineMs(): number {
    return this.#timeoutMs;
  }
  readonly #stallTimeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #admits: (url: string) => boolean;

  constructor(options: HttpObjectStoreOptions = {}) {
    super();
    this.#timeoutMs = options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? HTTP_DEFAULTS.stallTimeoutMs;
    this.#maxRetries = options.maxRetries ?? HTTP_DEFAULTS.maxRetries;
    this.#retryDelayMs = options.retryDelayMs ?? HTTP_DEFAULTS.retryDelayMs;
    this.#admits = options.admits ?? (() => false);
  }

  async stat(url: string): Promise<ObjectStat> {
    let response = await this.#request(url, { method: 'HEAD', pass: [405, 501] });
    if (response.status === 405 || response.status === 501) {
      // No HEAD: the first byte tells the size in its Content-Range.
      response = await this.#request(url, { method: 'GET', headers: { range: 'bytes=0-0' } });
      await response.body?.cancel();
    }
    const size = totalSize(response.headers, 0, response.status === 206) ?? 0;
    const modified = Date.parse(response.headers.get('last-modified') ?? '');
    return {
      size,
      etag: response.headers.get('etag') ?? `"${size.toString(16)}-${Number.isFinite(modified) ? modified.toString(16) : '0'}"`,
      mtimeMs: Number.isFinite(modified) ? modified : null,
    };
  }

  // A web server has no listing to read: a URL prefix is taken as given.
  // biome-ignore lint/correctness/useYield: the contract is a generator; this one only refuses.
  async *list(prefix: string): AsyncGenerator<ListedObject, void, undefined> {
    throw objectReadFailed(prefix, 'a folder on a web server cannot be listed');
  }

  /**
   * The file's bytes (or `range`'s) as they arrive. A body cut off or silent
   * for `stallTimeoutMs` is resumed from the next byte; `maxRetries` attempts in
   * a row that bring no byte give up.
   */
  protected async *resumable(url: string, range: ByteRange | null, signal: AbortSignal | undefined, state: ReadState): AsyncGenerator<Buffer, void, undefined> {
    let offset = range?.start ?? 0;
    let etag: string | null = null;
    let fruitless = 0;
    for (;;) {
      signal?.throwIfAborted();
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const headers: Record<string, string> = {};
      if (offset > 0 || range) headers.range = `bytes=${offset}-${range ? range.end : ''}`;
      if (etag !== null && !etag.startsWith('W/')) headers['if-range'] = etag;
      const before = offset;
      // Silence counts only while we wait for bytes, not while our consumer holds a chunk.
      let consuming = false;
      const timer = setTimeout(() => {
        if (consuming) timer.refresh();
        else controller.abort(new StallError(this.#stallTimeoutMs));
      }, this.#stallTimeoutMs);
      try {
        const response = await this.#request(url, { method: 'GET', headers, signal: controller.signal });
        const partial = response.status === 206;
        // A whole file where a range was asked: it changed since (If-Range), or the server ignores ranges.
        if (!partial && etag !== null && response.headers.get('etag') !== etag) throw objectReadFailed(url, 'the file changed while it was read');
        etag ??= response.headers.get('etag');
        state.total ??= totalSize(response.headers, offset, partial);
        // Ranges ignored: the bytes before `offset` come again and are dropped.
        let skip = partial ? 0 : offset;
        const reader = response.body?.getReader();
        if (!reader) return;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            timer.refresh();
            let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
            if (skip > 0) {
              const dropped = Math.min(skip, chunk.length);
              skip -= dropped;
              chunk = chunk.subarray(dropped);
              if (chunk.length === 0) continue;
            }
            if (range && offset + chunk.length > range.end + 1) chunk = chunk.subarray(0, range.end + 1 - offset);
            offset += chunk.length;
            consuming = true;
            yield chunk;
            consuming = false;
            if (range && offset > range.end) return;
          }
        } finally {
          reader.releaseLock();
          await response.body?.cancel().catch(() => undefined);
        }
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (err instanceof AppError) throw err;
        if (offset > before) fruitless = 0;
        if (++fruitless > this.#maxRetries) throw objectReadFailed(url, describe(err), err);
        await this.#backoff(fruitless, signal);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  /**
   * One request, retried with backoff on 408, 429, 5xx and network errors,
   * following redirects inside INGEST_ROOTS; a response that is not 2xx becomes
   * the error it means, naming the URL.
   */
  async #request(
    url: string,
    init: { method: 'GET' | 'HEAD'; headers?: Record<string, string>; signal?: AbortSignal; pass?: readonly number[] },
  ): Promise<Response> {
    let target = url;
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      init.signal?.throwIfAborted();
      // Our own controller for the wait for headers; the caller's signal still aborts the body after they came.
      const controller = new AbortController();
      const onAbort = () => controller.abort(init.signal?.reason);
      init.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => controller.abort(new StallError(this.#timeoutMs)), this.#timeoutMs);
      let response: Response;
      try {
        response = await fetch(target, { method: init.method, headers: init.headers ?? {}, redirect: 'manual', signal: controller.signal });
      } catch (err) {
        init.signal?.removeEventListener('abort', onAbort);
        if (init.signal?.aborted) throw init.signal.reason;
        if (attempt >= this.#maxRetries) throw objectReadFailed(url, describe(err), err);
        await this.#backoff(attempt + 1, init.signal);
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (response.ok || init.pass?.includes(response.status)) return response;
      init.signal?.removeEventListener('abort', onAbort);
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        const next = new URL(response.headers.get('location')!, target).href;
        if (!this.#admits(next)) throw forbiddenPath(`${url}: redirected to ${next}, outside INGEST_ROOTS`);
        if (++redirects > MAX_REDIRECTS) throw objectReadFailed(url, `more than ${MAX_REDIRECTS} redirects`);
        target = next;
        attempt--;
        continue;
      }
      await response.body?.cancel();
      if (response.status === 404 || response.status === 410) throw objectNotFound(url);
      if (response.status === 401 || response.status === 403) throw objectForbidden(url, `the server answered ${response.status}`);
      if (!RETRIED.has(response.status) || attempt >= this.#maxRetries) {
        throw objectReadFailed(url, `the server answered ${response.status} ${response.statusText}`.trim());
      }
      await this.#backoff(attempt + 1, init.signal, retryAfterMs(response.headers));
    }
  }

  async #backoff(attempt: number, signal: AbortSignal | undefined, atLeastMs = 0): Promise<void> {
    const ms = Math.max(atLeastMs, this.#retryDelayMs * 2 ** (attempt - 1));
    await sleep(ms, undefined, signal ? { signal } : {}).catch(() => {
      throw signal?.reason;
    });
  }
}

/** The whole file's size: `Content-Range: bytes a-b/total`, or the length of a whole-file answer. */
function totalSize(headers: Headers, offset: number, partial: boolean): number | null {
  const total = /\/(\d+)$/.exec(headers.get('content-range') ?? '')?.[1];
  if (total !== undefined) return Number(total);
  const length = Number(headers.get('content-length') ?? NaN);
  if (!Number.isSafeInteger(length) || length < 0) return null;
  return partial ? length + offset : length;
}

/** `Retry-After` in ms (seconds only; capped at 10 s so a hostile server cannot park a read). */
function retryAfterMs(headers: Headers): number {
  const seconds = Number(headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : 0;
}

/** Why a fetch failed, from undici's error and its cause, in one line. */
function describe(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const text = [err, cause]
    .filter((e): e is Error => e instanceof Error)
    .map((e) => `${(e as { code?: string }).code ?? ''} ${e.message}`.trim())
    .join(': ');
  return (text || String(err)).split('\n', 1)[0]!.slice(0, 300);
}

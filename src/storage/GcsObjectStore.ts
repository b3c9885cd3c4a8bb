import { type Bucket, type GetFilesResponse, IdempotencyStrategy, Storage } from '@google-cloud/storage';
import { EnvHttpProxyAgent, request } from 'undici';
import { AppError, objectForbidden, objectNotFound, objectReadFailed } from '../errors.js';
import { answerBytes } from './answerBytes.js';
import { discardBody } from './discardBody.js';
import { type GsUrl, parseGsUrl } from './gsUrl.js';
import type { ByteRange, ListedObject, ObjectStat } from './ObjectStore.js';
import { type ReadPlan, type ReadState, ResumableObjectStore } from './ResumableObjectStore.js';
import { header, type ResponseHeaders, totalSize } from './responseHeaders.js';
import type { ReadAttempt } from './resumeReads.js';
import { StallError } from './StallError.js';

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

/**
 * The proxy the environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), as
 * the client's own requests use it; null without one (undici's own agent).
 */
const proxy = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => process.env[name]) ? new EnvHttpProxyAgent() : null;

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
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: GcsObjectStoreOptions = {}) {
    const timeoutMs = options.timeoutMs ?? GCS_DEFAULTS.timeoutMs;
    super({ deadlineMs: timeoutMs, stallTimeoutMs: options.stallTimeoutMs ?? GCS_DEFAULTS.stallTimeoutMs });
    this.#timeoutMs = timeoutMs;
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
   * A read of the object's bytes (or `range`'s): `GET`s of the JSON API's
   * media link (`alt=media`), the request the client's `createReadStream`
   * sends, made with undici. Through the client each object cost the service
   * 2-2.5 ms of CPU (node-fetch, retry-request, its stream plumbing), against
   * about 0.5 ms this way (320 COCO photos from the emulator, three alternated
   * rounds); on an ingest from a bucket that was a sixth of the two cores. The
   * client still answers everything else (stat, list, write, delete), and its
   * credentials sign these reads. No `Accept-Encoding` is sent, so an object
   * stored gzip-encoded comes decompressed, as the client gave it.
   *
   * An answer of 408, 429, 500, 502, 503 or 504, or a connection that fails
   * before an answer, is retried with exponential backoff: the client's own
   * retry rule. A body cut off or silent for `stallTimeoutMs` is resumed from
   * the next byte, pinned to the generation of the first answer; `maxRetries`
   * attempts in a row that bring nothing give up. An answer of another
   * generation fails the read, so two objects are never spliced.
   */
  protected plan(url: string, range: ByteRange | null, state: ReadState): ReadPlan {
    const read: GcsRead = { url, object: gs(url), range, state, generation: undefined, answered: false };
    let fruitless = 0;
    let refused = 0;
    return {
      attempt: (at) => this.#attempt(read, at),
      recover: (failure, progressed) => {
        if (progressed) fruitless = 0;
        // An answer that was no refusal ends a run of refusals.
        if (read.answered && !(failure instanceof StatusError)) refused = 0;
        if (failure instanceof StatusError || (!read.answered && !(failure instanceof StallError))) {
          // Nothing came: what the client retried on its own.
          if (!refusedAgain(failure) || ++refused > this.#maxRetries) throw objectError(url, failure);
        } else if (!resumable(failure) || ++fruitless > this.#maxRetries) {
          throw objectError(url, failure);
        }
        return this.#retryDelayMs * 2 ** (Math.max(refused, fruitless) - 1);
      },
    };
  }

  /** One GET of the object's bytes from `at.offset`, pinned to the generation of the first answer. */
  async *#attempt(read: GcsRead, at: ReadAttempt): AsyncGenerator<Buffer, void, undefined> {
    const { url, range, state } = read;
    read.answered = false;
    const headers = await this.#authorization();
    // The first read of a whole object asks for no range: an empty object answers any range with 416.
    if (at.offset > 0 || range) headers.range = `bytes=${at.offset}-${range ? range.end : ''}`;
    const response = await request(this.#mediaUrl(read.object, read.generation), {
      headers,
      signal: at.signal,
      headersTimeout: this.#timeoutMs,
      // The read's stall timer watches the body, pausing while our consumer holds a chunk.
      bodyTimeout: 0,
      ...(proxy === null ? {} : { dispatcher: proxy }),
    });
    const { body } = response;
    try {
      read.answered = true;
      // Cut off after its last byte, a read asks for the range past the end: nothing is left.
      if (response.statusCode === 416 && at.offset > 0 && unsatisfiable(response.headers) === at.offset) return;
      if (response.statusCode !== 200 && response.statusCode !== 206) throw new StatusError(response.statusCode);
      const answered = numberHeader(response.headers, 'x-goog-generation') ?? undefined;
      // The pin holds on Cloud Storage (a replaced object's old generation is gone: 404); the emulator ignores it but
      // still names the generation it sent.
      if (read.generation !== undefined && answered !== undefined && answered !== read.generation) {
        throw objectReadFailed(url, 'the object was replaced while it was read');
      }
      read.generation ??= answered;
      const partial = response.statusCode === 206;
      state.total ??= totalSize(response.headers, at.offset, partial);
      // A whole object where a range was asked (one stored gzip-encoded is served decompressed, its ranges ignored):
      // the bytes before `offset` come again and are dropped.
      yield* answerBytes(body as AsyncIterable<Buffer>, at, { partial, end: range ? range.end : null });
    } finally {
      discardBody(body);
    }
  }

  /** The JSON API's media link of an object, pinned to `generation` once a first response told it. */
  #mediaUrl(at: GsUrl, generation: number | undefined): string {
    const endpoint = this.#storage.apiEndpoint.replace(/\/+$/, '');
    const pinned = generation === undefined ? '' : `&generation=${generation}`;
    return `${endpoint}/storage/v1/b/${encodeURIComponent(at.bucket)}/o/${encodeURIComponent(at.name)}?alt=media${pinned}`;
  }

  /**
   * The credentials' headers, as the client signs its own requests; none for a
   * custom endpoint (an emulator), where the client sends none either.
   */
  async #authorization(): Promise<Record<string, string>> {
    if (this.#storage.customEndpoint) return {};
    // A plain object from google-auth-library 9, a Headers from 10: spreading a Headers would drop every header.
    const headers: unknown = await this.#storage.authClient.getRequestHeaders();
    return headers instanceof Headers ? Object.fromEntries(headers) : { ...(headers as Record<string, string>) };
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

function numberHeader(headers: ResponseHeaders, name: string): number | null {
  const n = Number(header(headers, name) ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** An answer to a read that is not its bytes; `code` is the status, as the client's errors carry it. */
class StatusError extends Error {
  readonly code: number;
  constructor(status: number) {
    super(`Cloud Storage answered ${status}`);
    this.name = 'StatusError';
    this.code = status;
  }
}

/** The object's size from a 416's `Content-Range: bytes *\/size`; null without one. */
function unsatisfiable(headers: ResponseHeaders): number | null {
  const size = /^bytes \*\/(\d+)$/.exec(header(headers, 'content-range') ?? '')?.[1];
  return size === undefined ? null : Number(size);
}

/** The answers the client's own retry rule retries. */
const RETRIED_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** What is retried before a body: the answers the client retries, and connections that fail. */
function refusedAgain(err: unknown): boolean {
  if (err instanceof StatusError) return RETRIED_STATUSES.has(err.code);
  return resumable(err);
}

/** A connection lost or silent mid-body; not an HTTP status, which is retried before the body or not at all. */
function resumable(err: unknown): boolean {
  if (err instanceof StallError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return false;
  const text = `${typeof code === 'string' ? code : ''} ${err instanceof Error ? err.message : ''}`.toLowerCase();
  // The client's own list (DNS lookups that failed for now, resets, connection timeouts) and undici's words for them.
  return /eai_again|econnreset|econnrefused|epipe|etimedout|und_err_connect_timeout|und_err_socket|socket hang up|aborted|premature close|terminated|other side closed|unexpected end/.test(
    text,
  );
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

/** One read's state across its attempts. */
interface GcsRead {
  url: string;
  /** The object's bucket and name. */
  object: GsUrl;
  range: ByteRange | null;
  state: ReadState;
  /** The object's generation, from the first answer: later attempts are pinned to it. */
  generation: number | undefined;
  /** Whether the last attempt got an answer (headers): a failure before one is what the client's retry rule covers. */
  answered: boolean;
}

import { PassThrough, type Readable } from 'node:stream';
import { Storage } from '@google-cloud/storage';
import { AppError } from '../errors.js';
import { parseGsUrl, type GsUrl } from './gsUrl.js';

/** Options of {@link GcsObjectStore}. */
export interface GcsObjectStoreOptions {
  /** Google Cloud project. Default: Application Default Credentials' project. */
  projectId?: string;
  /** API endpoint, for emulators (`http://127.0.0.1:9199`). Default: Google's, or `STORAGE_EMULATOR_HOST` when set. */
  apiEndpoint?: string;
  /** Per-request timeout in ms. Default 30 000 ({@link GCS_DEFAULTS}). */
  timeoutMs?: number;
  /** Retries of a request that failed with 429, 5xx or a reset, with exponential backoff. Default 4. */
  maxRetries?: number;
}

/** Defaults of {@link GcsObjectStoreOptions}. */
export const GCS_DEFAULTS = { timeoutMs: 30_000, maxRetries: 4 } as const;

/** What {@link GcsObjectStore.stat} tells about an object. */
export interface ObjectStat {
  size: number;
  etag: string | null;
  contentType: string | null;
}

/** One object of a listing. */
export interface ListedObject {
  url: string;
  size: number;
}

/**
 * Objects in Google Cloud Storage, by `gs://` URL, through the official client:
 * metadata, streamed (optionally ranged) reads and paginated prefix listings.
 * The client's own retry policy covers 429s, 5xx and resets; every request has a
 * timeout. A missing object is `OBJECT_NOT_FOUND` (404) and a refused one
 * `OBJECT_FORBIDDEN` (403), both naming the object.
 */
export class GcsObjectStore {
  readonly #storage: Storage;
  readonly #timeoutMs: number;

  constructor(options: GcsObjectStoreOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? GCS_DEFAULTS.timeoutMs;
    this.#storage = new Storage({
      ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
      ...(options.apiEndpoint === undefined ? {} : { apiEndpoint: options.apiEndpoint }),
      timeout: this.#timeoutMs,
      retryOptions: { autoRetry: true, maxRetries: options.maxRetries ?? GCS_DEFAULTS.maxRetries, retryDelayMultiplier: 2 },
    });
  }

  async stat(url: string): Promise<ObjectStat> {
    const at = gs(url);
    try {
      const [metadata] = await this.#storage.bucket(at.bucket).file(at.name).getMetadata();
      return {
        size: Number(metadata.size ?? 0),
        etag: metadata.etag ?? null,
        contentType: metadata.contentType ?? null,
      };
    } catch (err) {
      throw objectError(url, err);
    }
  }

  /** Streams an object's bytes, or those from `start` to `end` (both included). Errors arrive as mapped `AppError`s. */
  read(url: string, range: { start?: number; end?: number } = {}): Readable {
    const at = gs(url);
    const source = this.#storage
      .bucket(at.bucket)
      .file(at.name)
      .createReadStream({ ...range, validation: false });
    // Callers get our errors, naming the object; closing ours stops the download.
    const out = new PassThrough();
    source.on('error', (err) => out.destroy(objectError(url, err)));
    out.on('close', () => source.destroy());
    source.pipe(out);
    return out;
  }

  /** Every object under a `gs://bucket/prefix/`, page by page, in name order. */
  async *list(prefixUrl: string, options: { pageSize?: number } = {}): AsyncGenerator<ListedObject, void, undefined> {
    const at = gs(prefixUrl);
    const bucket = this.#storage.bucket(at.bucket);
    let pageToken: string | undefined;
    do {
      let page;
      try {
        page = await bucket.getFiles({ prefix: at.name, autoPaginate: false, maxResults: options.pageSize ?? 1000, pageToken });
      } catch (err) {
        throw objectError(prefixUrl, err);
      }
      const [files, next] = page;
      for (const file of files) yield { url: `gs://${at.bucket}/${file.name}`, size: Number(file.metadata.size ?? 0) };
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }
}

function gs(url: string): GsUrl {
  const at = parseGsUrl(url);
  if (!at) throw new RangeError(`${url}: not a gs:// URL`);
  return at;
}

/** Maps the client's errors to ours, naming the object. */
function objectError(url: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 404) return new AppError('OBJECT_NOT_FOUND', `${url}: no such object`, { status: 404, cause: err });
  if (code === 401 || code === 403) {
    return new AppError('OBJECT_FORBIDDEN', `${url}: access denied by Cloud Storage`, { status: 403, cause: err });
  }
  const message = err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
  return new AppError('OBJECT_READ_FAILED', `${url}: ${message}`, { status: 502, expose: true, cause: err });
}

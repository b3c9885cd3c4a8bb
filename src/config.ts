import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseGsUrl } from './storage/gsUrl.js';
import { THUMBNAIL_POOL_DEFAULTS } from './workers/thumbnailPoolDefaults.js';
import { DEFAULT_WEBP_EFFORT } from './workers/messages.js';
import { isHttpUrl, parseHttpUrl } from './storage/httpUrl.js';

/** The service's configuration, read from the environment by {@link loadConfig}. */
export interface Config {
  /** `PORT`, default 3000. 0 picks a free port (tests). */
  port: number;
  /** `HOST`, default `127.0.0.1`. */
  host: string;
  /** `DATA_DIR`, default `./data`: the DuckDB file and the thumbnail cache live under it. */
  dataDir: string;
  /**
   * `INGEST_ROOTS`, comma-separated directories, `gs://bucket/prefix` and
   * `http(s)://host/prefix` entries datasets may be read from; default the working directory.
   */
  ingestRoots: string[];
  /** `WORKERS`, thumbnail pool size; default the machine's available parallelism. */
  workers: number;
  /** `THUMBNAIL_TASKS_PER_WORKER`, images each worker thread works on at once; default 4 (see docs/performance.md). */
  tasksPerWorker: number;
  /** `PLUGIN_DIR`, default `./plugins`. */
  pluginDir: string;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `MAX_CONCURRENT_JOBS`, default 1. */
  maxConcurrentJobs: number;
  /** `DUCKDB_MEMORY_LIMIT`, default `128MB`. */
  duckdbMemoryLimit: string;
  /** `THUMBNAIL_QUALITY`, WebP quality 1-100, default 80. */
  thumbnailQuality: number;
  /** `THUMBNAIL_EFFORT`, WebP effort 0-6 (lower: faster, larger files), default 2. */
  thumbnailEffort: number;
  /** `MAX_IMAGE_PIXELS`, images above this many pixels are refused before decoding; default 100,000,000. */
  maxImagePixels: number;
  /** `MAX_BODY_BYTES`, JSON request body limit, default 1 MiB. */
  maxBodyBytes: number;
  /** Bounds of `POST /datasets/upload`. */
  uploads: UploadLimits;
  /** `SSE_KEEPALIVE_MS`, interval of keep-alive comments on idle event streams; default 15000. */
  sseKeepAliveMs: number;
  /** `THUMBNAIL_CACHE_BYTES`, memory for recently served thumbnails; default 64 MiB, 0 turns the cache off. */
  thumbnailCacheBytes: number;
  /** `API_TOKEN`: when set (16 characters or more), mutating requests need `Authorization: Bearer <token>`; default none. */
  apiToken: string | null;
  /** `CORS_ORIGINS`, comma-separated origins allowed to call the API from a browser; default none (CORS off). */
  corsOrigins: string[];
  /** How Cloud Storage is reached. */
  gcs: {
    /**
     * `GCS_ENDPOINT`, else the standard `STORAGE_EMULATOR_HOST`: an emulator's URL
     * (`http://127.0.0.1:9199`); default null, Google's endpoint with Application Default Credentials.
     */
    endpoint: string | null;
    /** `GCS_PROJECT_ID`; default null, the credentials' project. */
    projectId: string | null;
    /** `GCS_TIMEOUT_MS`: per request, per image, and the longest silence of a streamed read; default 30 000. */
    timeoutMs: number;
    /** `GCS_STALL_TIMEOUT_MS`: a response body silent this long is resumed where it stopped; default 10 000. */
    stallTimeoutMs: number;
    /** `GCS_MAX_RETRIES`: retries of a failed request (429, 5xx, resets) with backoff; default 4. */
    maxRetries: number;
  };
  /** How files on the web (`http(s)://` roots) are fetched. */
  http: {
    /** `HTTP_TIMEOUT_MS`: per request (until its headers), and per image; default 30 000. */
    timeoutMs: number;
    /** `HTTP_STALL_TIMEOUT_MS`: a response body silent this long is resumed where it stopped; default 10 000. */
    stallTimeoutMs: number;
    /** `HTTP_MAX_RETRIES`: retries of a failed request (408, 429, 5xx, network errors) and of a cut-off body, with backoff; default 4. */
    maxRetries: number;
  };
  /** `IMAGE_READ_CONCURRENCY`: images an ingest fetches from a bucket or the web at once, ahead of the workers; default 16. */
  imageReadConcurrency: number;
  /** `THUMBNAIL_BUCKET`: a `gs://bucket/prefix` thumbnails are written to and served from, instead of `DATA_DIR`; default null. */
  thumbnailBucket: string | null;
  /**
   * The thumbnail queue (see docs/scaling-out.md): with `REDIS_URL` set, an
   * ingest's thumbnails are made by `npm run worker` processes through BullMQ
   * instead of the service's own pool. Null when `REDIS_URL` is unset.
   */
  queue: QueueConfig | null;
}

/** What an uploaded archive may be (`POST /datasets/upload`). */
export interface UploadLimits {
  /** `MAX_UPLOAD_BYTES`: the request body, counted as it arrives (413 past it); default 32 GiB. */
  maxBytes: number;
  /** `MAX_UNPACKED_BYTES`: all of an archive's files together, counted as they are written; default 64 GiB. */
  maxUnpackedBytes: number;
  /**
   * `MAX_UNPACK_RATIO`: the most an archive's entries may declare they unpack
   * to, per byte of the archive, checked before a byte is written; default 50.
   */
  maxUnpackRatio: number;
  /** `MIN_FREE_DISK_BYTES`: what an archive's unpacked files must leave free on the disk, checked before a byte is written; default 1 GiB. */
  minFreeDiskBytes: number;
  /** `MAX_UPLOAD_ENTRIES`: files and folders in one archive; default 2,000,000. */
  maxEntries: number;
  /** `MAX_CONCURRENT_UPLOADS`: uploads receiving their bytes at once; past it 503 with `Retry-After`; default 4. */
  maxConcurrent: number;
  /** `UPLOAD_STALL_MS`: an upload whose body is silent this long fails (`UPLOAD_INCOMPLETE`); default 60,000. */
  stallMs: number;
}

/** How the service and its worker processes share thumbnail work over Redis. */
export interface QueueConfig {
  /** `REDIS_URL`, `redis://[user:password@]host:port[/db]` or `rediss://...`. */
  redisUrl: string;
  /** `QUEUE_CHUNK_IMAGES`: images per queued job; default 16. */
  chunkImages: number;
  /** `QUEUE_WINDOW_CHUNKS`: chunks the service keeps queued or running at once; default 32. */
  windowChunks: number;
  /**
   * `QUEUE_STALL_MS`: how long a worker's lock on a chunk lasts without renewal, and
   * how often workers look for chunks whose worker died (they run again); default 30 000.
   */
  stallMs: number;
}

/** Defaults, in one place. Paths are resolved against the working directory. */
export const CONFIG_DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './data',
  pluginDir: './plugins',
  logLevel: 'info',
  maxConcurrentJobs: 1,
  tasksPerWorker: THUMBNAIL_POOL_DEFAULTS.tasksPerWorker,
  // DuckDB keeps the blocks an ingest writes cached up to this limit, so the
  // server's peak grew with the dataset: a 100K-image ingest peaked at 720-750 MB
  // RSS at 512MB, 525-580 MB at 200MB, 435-455 MB at 128MB, no slower.
  duckdbMemoryLimit: '128MB',
  thumbnailQuality: 80,
  thumbnailEffort: DEFAULT_WEBP_EFFORT,
  maxImagePixels: 100_000_000,
  maxBodyBytes: 1024 * 1024,
  // COCO 2017's train images are an 18 GB zip of 118K files: the defaults take
  // it whole, and a 10M-image archive needs the bounds raised on purpose.
  maxUploadBytes: 32 * 1024 ** 3,
  maxUnpackedBytes: 64 * 1024 ** 3,
  maxUploadEntries: 2_000_000,
  // A dataset's images (JPEG, PNG) do not compress: they unpack to about the
  // archive's size. Its JSON unpacks to 5-10 times its share, so even an archive
  // of JSON alone stays far under 50; a decompression bomb is near deflate's
  // ceiling of about 1000, and a 1.1 MB archive of 1.1 GB is refused before a byte.
  maxUnpackRatio: 50,
  // Unpacking is refused when it would leave less than this free on the disk:
  // DuckDB, the thumbnails and the logs share it.
  minFreeDiskBytes: 1024 ** 3,
  // Each receiving upload may write up to MAX_UPLOAD_BYTES, then as much again unpacked.
  maxConcurrentUploads: 4,
  uploadStallMs: 60_000,
  sseKeepAliveMs: 15_000,
  thumbnailCacheBytes: 64 * 1024 * 1024,
  gcsTimeoutMs: 30_000,
  gcsStallTimeoutMs: 10_000,
  gcsMaxRetries: 4,
  httpTimeoutMs: 30_000,
  httpStallTimeoutMs: 10_000,
  httpMaxRetries: 4,
  // At 20 ms a request and ~150 images/s, 3-4 reads keep the pool fed; 16 leaves
  // room for slower links and stragglers at a cost of 16 images in memory.
  imageReadConcurrency: 16,
  // 16 images is about 0.1 s of a 2-core machine's work: small enough that a
  // worker killed mid-chunk costs little, large enough that Redis sees one
  // job (about 750 bytes plus the chunk) per 16 images, not per image.
  queueChunkImages: 16,
  // 32 x 16 = 512 images queued or running: enough to keep about 128 cores busy
  // with a chunk running and one waiting each; raise it for more.
  queueWindowChunks: 32,
  queueStallMs: 30_000,
} as const;

const intIn = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const envSchema = z.object({
  PORT: intIn('PORT', 0, 65535).optional(),
  HOST: z.string().trim().min(1, 'HOST must not be empty').optional(),
  DATA_DIR: z.string().trim().min(1, 'DATA_DIR must not be empty').optional(),
  INGEST_ROOTS: z.string().optional(),
  WORKERS: intIn('WORKERS', 1, 256).optional(),
  THUMBNAIL_TASKS_PER_WORKER: intIn('THUMBNAIL_TASKS_PER_WORKER', 1, 64).optional(),
  PLUGIN_DIR: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  MAX_CONCURRENT_JOBS: intIn('MAX_CONCURRENT_JOBS', 1, 64).optional(),
  DUCKDB_MEMORY_LIMIT: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'DUCKDB_MEMORY_LIMIT must look like 512MB or 2GB')
    .optional(),
  THUMBNAIL_QUALITY: intIn('THUMBNAIL_QUALITY', 1, 100).optional(),
  THUMBNAIL_EFFORT: intIn('THUMBNAIL_EFFORT', 0, 6).optional(),
  MAX_IMAGE_PIXELS: intIn('MAX_IMAGE_PIXELS', 1, 2 ** 40).optional(),
  MAX_BODY_BYTES: intIn('MAX_BODY_BYTES', 1024, 64 * 1024 * 1024).optional(),
  MAX_UPLOAD_BYTES: intIn('MAX_UPLOAD_BYTES', 1024, 2 ** 50).optional(),
  MAX_UNPACKED_BYTES: intIn('MAX_UNPACKED_BYTES', 1024, 2 ** 50).optional(),
  MAX_UPLOAD_ENTRIES: intIn('MAX_UPLOAD_ENTRIES', 1, 100_000_000).optional(),
  MAX_UNPACK_RATIO: intIn('MAX_UNPACK_RATIO', 1, 1_000_000).optional(),
  MIN_FREE_DISK_BYTES: intIn('MIN_FREE_DISK_BYTES', 0, 2 ** 50).optional(),
  MAX_CONCURRENT_UPLOADS: intIn('MAX_CONCURRENT_UPLOADS', 1, 256).optional(),
  UPLOAD_STALL_MS: intIn('UPLOAD_STALL_MS', 50, 3_600_000).optional(),
  SSE_KEEPALIVE_MS: intIn('SSE_KEEPALIVE_MS', 50, 600_000).optional(),
  THUMBNAIL_CACHE_BYTES: intIn('THUMBNAIL_CACHE_BYTES', 0, 2 ** 34).optional(),
  API_TOKEN: z
    .string()
    .trim()
    .min(16, 'API_TOKEN must be at least 16 characters')
    .max(512, 'API_TOKEN must be at most 512 characters')
    .regex(/^[\x21-\x7e]+$/, 'API_TOKEN must be printable ASCII without spaces')
    .optional(),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((o) => o.trim()).filter((o) => o.length > 0))
    .refine((origins) => origins.every(isOrigin), 'CORS_ORIGINS must list origins such as https://app.example.com, comma-separated')
    .optional(),
  GCS_ENDPOINT: z.string().trim().refine(isValidHttpUrl, 'GCS_ENDPOINT must be an http(s) URL such as http://127.0.0.1:9199').optional(),
  STORAGE_EMULATOR_HOST: z.string().trim().min(1).optional(),
  GCS_PROJECT_ID: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, 'GCS_PROJECT_ID must be a Google Cloud project id such as my-project-123')
    .optional(),
  GCS_TIMEOUT_MS: intIn('GCS_TIMEOUT_MS', 100, 600_000).optional(),
  GCS_STALL_TIMEOUT_MS: intIn('GCS_STALL_TIMEOUT_MS', 50, 600_000).optional(),
  GCS_MAX_RETRIES: intIn('GCS_MAX_RETRIES', 0, 20).optional(),
  HTTP_TIMEOUT_MS: intIn('HTTP_TIMEOUT_MS', 100, 600_000).optional(),
  HTTP_STALL_TIMEOUT_MS: intIn('HTTP_STALL_TIMEOUT_MS', 50, 600_000).optional(),
  HTTP_MAX_RETRIES: intIn('HTTP_MAX_RETRIES', 0, 20).optional(),
  IMAGE_READ_CONCURRENCY: intIn('IMAGE_READ_CONCURRENCY', 1, 1024).optional(),
  THUMBNAIL_BUCKET: z
    .string()
    .trim()
    .refine(isGsUrl, 'THUMBNAIL_BUCKET must be a gs://bucket/prefix URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  REDIS_URL: z.string().trim().refine(isRedisUrl, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379').optional(),
  QUEUE_CHUNK_IMAGES: intIn('QUEUE_CHUNK_IMAGES', 1, 1000).optional(),
  QUEUE_WINDOW_CHUNKS: intIn('QUEUE_WINDOW_CHUNKS', 1, 10_000).optional(),
  QUEUE_STALL_MS: intIn('QUEUE_STALL_MS', 500, 3_600_000).optional(),
});

function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isGsUrl(value: string): boolean {
  try {
    return parseGsUrl(value) !== null;
  } catch {
    return false;
  }
}

function isValidHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `STORAGE_EMULATOR_HOST` may be `host:port` without a scheme, as Google's tools write it. */
function emulatorUrl(value: string): string {
  return /^https?:\/\//.test(value) ? value : `http://${value}`;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** Thrown by {@link loadConfig}; its message lists every bad variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration. Empty variables count as unset.
 * @throws ConfigError naming each invalid variable and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `  ${key}=${JSON.stringify(env[key])}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const roots = (e.INGEST_ROOTS ?? cwd)
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((r) => (r.startsWith('gs://') || isHttpUrl(r) ? r : path.resolve(cwd, r)));
  if (roots.length === 0) throw new ConfigError('invalid configuration:\n  INGEST_ROOTS: lists no directory');
  for (const root of roots.filter((r) => r.startsWith('gs://') || isHttpUrl(r))) {
    try {
      if (isHttpUrl(root)) parseHttpUrl(root);
      else parseGsUrl(root);
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  INGEST_ROOTS: ${(err as Error).message}`);
    }
  }
  return {
    port: e.PORT ?? CONFIG_DEFAULTS.port,
    host: e.HOST ?? CONFIG_DEFAULTS.host,
    dataDir: path.resolve(cwd, e.DATA_DIR ?? CONFIG_DEFAULTS.dataDir),
    ingestRoots: roots,
    workers: e.WORKERS ?? availableParallelism(),
    tasksPerWorker: e.THUMBNAIL_TASKS_PER_WORKER ?? CONFIG_DEFAULTS.tasksPerWorker,
    pluginDir: path.resolve(cwd, e.PLUGIN_DIR ?? CONFIG_DEFAULTS.pluginDir),
    logLevel: e.LOG_LEVEL ?? CONFIG_DEFAULTS.logLevel,
    maxConcurrentJobs: e.MAX_CONCURRENT_JOBS ?? CONFIG_DEFAULTS.maxConcurrentJobs,
    duckdbMemoryLimit: e.DUCKDB_MEMORY_LIMIT ?? CONFIG_DEFAULTS.duckdbMemoryLimit,
    thumbnailQuality: e.THUMBNAIL_QUALITY ?? CONFIG_DEFAULTS.thumbnailQuality,
    thumbnailEffort: e.THUMBNAIL_EFFORT ?? CONFIG_DEFAULTS.thumbnailEffort,
    maxImagePixels: e.MAX_IMAGE_PIXELS ?? CONFIG_DEFAULTS.maxImagePixels,
    maxBodyBytes: e.MAX_BODY_BYTES ?? CONFIG_DEFAULTS.maxBodyBytes,
    uploads: {
      maxBytes: e.MAX_UPLOAD_BYTES ?? CONFIG_DEFAULTS.maxUploadBytes,
      maxUnpackedBytes: e.MAX_UNPACKED_BYTES ?? CONFIG_DEFAULTS.maxUnpackedBytes,
      maxUnpackRatio: e.MAX_UNPACK_RATIO ?? CONFIG_DEFAULTS.maxUnpackRatio,
      minFreeDiskBytes: e.MIN_FREE_DISK_BYTES ?? CONFIG_DEFAULTS.minFreeDiskBytes,
      maxEntries: e.MAX_UPLOAD_ENTRIES ?? CONFIG_DEFAULTS.maxUploadEntries,
      maxConcurrent: e.MAX_CONCURRENT_UPLOADS ?? CONFIG_DEFAULTS.maxConcurrentUploads,
      stallMs: e.UPLOAD_STALL_MS ?? CONFIG_DEFAULTS.uploadStallMs,
    },
    sseKeepAliveMs: e.SSE_KEEPALIVE_MS ?? CONFIG_DEFAULTS.sseKeepAliveMs,
    thumbnailCacheBytes: e.THUMBNAIL_CACHE_BYTES ?? CONFIG_DEFAULTS.thumbnailCacheBytes,
    apiToken: e.API_TOKEN ?? null,
    corsOrigins: e.CORS_ORIGINS ?? [],
    gcs: {
      endpoint: e.GCS_ENDPOINT ?? (e.STORAGE_EMULATOR_HOST === undefined ? null : emulatorUrl(e.STORAGE_EMULATOR_HOST)),
      projectId: e.GCS_PROJECT_ID ?? null,
      timeoutMs: e.GCS_TIMEOUT_MS ?? CONFIG_DEFAULTS.gcsTimeoutMs,
      stallTimeoutMs: e.GCS_STALL_TIMEOUT_MS ?? CONFIG_DEFAULTS.gcsStallTimeoutMs,
      maxRetries: e.GCS_MAX_RETRIES ?? CONFIG_DEFAULTS.gcsMaxRetries,
    },
    http: {
      timeoutMs: e.HTTP_TIMEOUT_MS ?? CONFIG_DEFAULTS.httpTimeoutMs,
      stallTimeoutMs: e.HTTP_STALL_TIMEOUT_MS ?? CONFIG_DEFAULTS.httpStallTimeoutMs,
      maxRetries: e.HTTP_MAX_RETRIES ?? CONFIG_DEFAULTS.httpMaxRetries,
    },
    imageReadConcurrency: e.IMAGE_READ_CONCURRENCY ?? CONFIG_DEFAULTS.imageReadConcurrency,
    thumbnailBucket: e.THUMBNAIL_BUCKET ?? null,
    queue:
      e.REDIS_URL === undefined
        ? null
        : {
            redisUrl: e.REDIS_URL,
            chunkImages: e.QUEUE_CHUNK_IMAGES ?? CONFIG_DEFAULTS.queueChunkImages,
            windowChunks: e.QUEUE_WINDOW_CHUNKS ?? CONFIG_DEFAULTS.queueWindowChunks,
            stallMs: e.QUEUE_STALL_MS ?? CONFIG_DEFAULTS.queueStallMs,
          },
  };
}

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { QUEUE_DEFAULTS } from './queue/queueDefaults.js';
import { parseGsUrl } from './storage/gsUrl.js';
import { rootSchemeOf } from './storage/storageBackends.js';
import { THUMBNAIL_DEFAULTS } from './workers/thumbnailDefaults.js';
import { THUMBNAIL_POOL_DEFAULTS } from './workers/thumbnailPoolDefaults.js';

/** A whole number from `min` to `max`, as an environment variable gives it. */
const intIn = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

/** A setting with a default: the default is the value when the variable is unset or empty. */
const int = (name: string, min: number, max: number, fallback: number) =>
  intIn(name, min, max)
    .optional()
    .transform((n) => n ?? fallback);

/** A size with its unit, as DuckDB takes it (`512MB`, `2GB`), with a default. */
const size = (name: string, example: string, fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, `${name} must look like ${example}`)
    .default(fallback);

/**
 * Every setting, once: its variable, how it is checked, and its default (the
 * reference with their meanings is docs/configuration.md, which a test holds to
 * this list). {@link Config} is derived from it by {@link loadConfig}.
 */
export const SETTINGS = z.object({
  /** HTTP port; 0 picks a free one (tests). */
  PORT: int('PORT', 0, 65535, 3000),
  HOST: z.string().trim().min(1, 'HOST must not be empty').default('127.0.0.1'),
  /** The DuckDB file, the thumbnails and the uploads live under it. */
  DATA_DIR: z.string().trim().min(1, 'DATA_DIR must not be empty').default('./data'),
  /** Comma-separated directories, `gs://bucket/prefix` and `http(s)://host/prefix` entries datasets may be read from; default the working directory. */
  INGEST_ROOTS: z.string().optional(),
  /** Thumbnail worker threads; default the machine's available parallelism. */
  WORKERS: intIn('WORKERS', 1, 256).optional(),
  /** Images each worker thread works on at once (see docs/performance.md). */
  THUMBNAIL_TASKS_PER_WORKER: int('THUMBNAIL_TASKS_PER_WORKER', 1, 64, THUMBNAIL_POOL_DEFAULTS.tasksPerWorker),
  /** Threads that parse and validate an annotation file's records (0: the main thread does); default none. */
  PARSE_WORKERS: intIn('PARSE_WORKERS', 0, 256).optional(),
  PLUGIN_DIR: z.string().trim().min(1).default('./plugins'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_CONCURRENT_JOBS: int('MAX_CONCURRENT_JOBS', 1, 64, 1),
  // Off by default: 2,000 images made a fresh service's first 5,000-image evaluation about 0.25 s
  // faster but kept an idle service at 364 MB RSS against 196 MB (300 images: 283 MB), which the
  // ingest's and the export's memory bounds cannot spare.
  /** Synthetic images per IoU type evaluated at start to compile the evaluation's code (0: none). */
  EVALUATION_WARM_UP_IMAGES: int('EVALUATION_WARM_UP_IMAGES', 0, 20_000, 0),
  // DuckDB keeps the blocks an ingest writes cached up to this limit, so the
  // server's peak grew with the dataset: a 100K-image ingest peaked at 720-750 MB
  // RSS at 512MB, 525-580 MB at 200MB, 435-455 MB at 128MB, no slower.
  DUCKDB_MEMORY_LIMIT: size('DUCKDB_MEMORY_LIMIT', '512MB or 2GB', '128MB'),
  // DuckDB's default (0) gives each freed block's pages back to the kernel, and
  // every new block faults them in again (about 11 µs a page on this machine's
  // guest). Appending 1M annotation rows, the flushes took 2,400 page faults and
  // 49 ms each at the median, against 1,860 and 43 ms at 16MB, 860 and 33 ms at
  // 32MB, 560 and 31 ms at 64MB; what is kept stays resident until the process ends.
  DUCKDB_BLOCK_MEMORY: size('DUCKDB_BLOCK_MEMORY', '32MB or 1GB', '32MB'),
  THUMBNAIL_QUALITY: int('THUMBNAIL_QUALITY', 1, 100, THUMBNAIL_DEFAULTS.quality),
  /** WebP effort 0-6: lower is faster, for larger files. */
  THUMBNAIL_EFFORT: int('THUMBNAIL_EFFORT', 0, 6, THUMBNAIL_DEFAULTS.effort),
  /** Images above this many pixels are refused before decoding. */
  MAX_IMAGE_PIXELS: int('MAX_IMAGE_PIXELS', 1, 2 ** 40, THUMBNAIL_DEFAULTS.maxPixels),
  MAX_BODY_BYTES: int('MAX_BODY_BYTES', 1024, 64 * 1024 * 1024, 1024 * 1024),
  // COCO 2017's train images are an 18 GB zip of 118K files: the defaults take
  // it whole, and a 10M-image archive needs the bounds raised on purpose.
  MAX_UPLOAD_BYTES: int('MAX_UPLOAD_BYTES', 1024, 2 ** 50, 32 * 1024 ** 3),
  MAX_UNPACKED_BYTES: int('MAX_UNPACKED_BYTES', 1024, 2 ** 50, 64 * 1024 ** 3),
  MAX_UPLOAD_ENTRIES: int('MAX_UPLOAD_ENTRIES', 1, 100_000_000, 2_000_000),
  // A dataset's images (JPEG, PNG) do not compress: they unpack to about the
  // archive's size. Its JSON unpacks to 5-10 times its share, so even an archive
  // of JSON alone stays far under 50; a decompression bomb is near deflate's
  // ceiling of about 1000, and a 1.1 MB archive of 1.1 GB is refused before a byte.
  MAX_UNPACK_RATIO: int('MAX_UNPACK_RATIO', 1, 1_000_000, 50),
  // Unpacking is refused when it would leave less than this free on the disk:
  // DuckDB, the thumbnails and the logs share it.
  MIN_FREE_DISK_BYTES: int('MIN_FREE_DISK_BYTES', 0, 2 ** 50, 1024 ** 3),
  // Each receiving upload may write up to MAX_UPLOAD_BYTES, then as much again unpacked.
  MAX_CONCURRENT_UPLOADS: int('MAX_CONCURRENT_UPLOADS', 1, 256, 4),
  UPLOAD_STALL_MS: int('UPLOAD_STALL_MS', 50, 3_600_000, 60_000),
  SSE_KEEPALIVE_MS: int('SSE_KEEPALIVE_MS', 50, 600_000, 15_000),
  THUMBNAIL_CACHE_BYTES: int('THUMBNAIL_CACHE_BYTES', 0, 2 ** 34, 64 * 1024 * 1024),
  /** When set, mutating requests need `Authorization: Bearer <token>`. */
  API_TOKEN: z
    .string()
    .trim()
    .min(16, 'API_TOKEN must be at least 16 characters')
    .max(512, 'API_TOKEN must be at most 512 characters')
    .regex(/^[\x21-\x7e]+$/, 'API_TOKEN must be printable ASCII without spaces')
    .optional(),
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .refine((origins) => origins.every(isOrigin), 'CORS_ORIGINS must list origins such as https://app.example.com, comma-separated')
    .default([]),
  GCS_ENDPOINT: z.string().trim().refine(isValidHttpUrl, 'GCS_ENDPOINT must be an http(s) URL such as http://127.0.0.1:9199').optional(),
  /** Google's own variable for an emulator, `host:port` or a URL; `GCS_ENDPOINT` wins. */
  STORAGE_EMULATOR_HOST: z.string().trim().min(1).optional(),
  GCS_PROJECT_ID: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, 'GCS_PROJECT_ID must be a Google Cloud project id such as my-project-123')
    .optional(),
  GCS_TIMEOUT_MS: int('GCS_TIMEOUT_MS', 100, 600_000, 30_000),
  GCS_STALL_TIMEOUT_MS: int('GCS_STALL_TIMEOUT_MS', 50, 600_000, 10_000),
  GCS_MAX_RETRIES: int('GCS_MAX_RETRIES', 0, 20, 4),
  HTTP_TIMEOUT_MS: int('HTTP_TIMEOUT_MS', 100, 600_000, 30_000),
  HTTP_STALL_TIMEOUT_MS: int('HTTP_STALL_TIMEOUT_MS', 50, 600_000, 10_000),
  HTTP_MAX_RETRIES: int('HTTP_MAX_RETRIES', 0, 20, 4),
  // At 20 ms a request and ~150 images/s, 3-4 reads keep the pool fed; 16 leaves
  // room for slower links and stragglers at a cost of 16 images in memory.
  IMAGE_READ_CONCURRENCY: int('IMAGE_READ_CONCURRENCY', 1, 1024, THUMBNAIL_DEFAULTS.imageReads),
  THUMBNAIL_BUCKET: z
    .string()
    .trim()
    .refine(isGsUrl, 'THUMBNAIL_BUCKET must be a gs://bucket/prefix URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  REDIS_URL: z.string().trim().refine(isRedisUrl, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379').optional(),
  // 16 images is about 0.1 s of a 2-core machine's work: small enough that a
  // worker killed mid-chunk costs little, large enough that Redis sees one
  // job (about 750 bytes plus the chunk) per 16 images, not per image.
  QUEUE_CHUNK_IMAGES: int('QUEUE_CHUNK_IMAGES', 1, 1000, QUEUE_DEFAULTS.chunkImages),
  // 32 x 16 = 512 images queued or running: enough to keep about 128 cores busy
  // with a chunk running and one waiting each; raise it for more.
  QUEUE_WINDOW_CHUNKS: int('QUEUE_WINDOW_CHUNKS', 1, 10_000, QUEUE_DEFAULTS.windowChunks),
  QUEUE_STALL_MS: int('QUEUE_STALL_MS', 500, 3_600_000, QUEUE_DEFAULTS.stallMs),
});

/** The settings as the schema gives them: every default applied. */
type Settings = z.infer<typeof SETTINGS>;

/** The service's configuration, read from the environment by {@link loadConfig}: its settings, grouped as the parts that use them take them. */
export type Config = ReturnType<typeof fromSettings>;

/** What an uploaded archive may be (`POST /datasets/upload`). */
export type UploadLimits = Config['uploads'];

/** How the service and its worker processes share thumbnail work over Redis (null without `REDIS_URL`). */
export type QueueConfig = NonNullable<Config['queue']>;

/** The settings, grouped; paths resolved against `cwd`. */
function fromSettings(e: Settings, cwd: string, roots: string[]) {
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    ingestRoots: roots,
    workers: e.WORKERS ?? availableParallelism(),
    tasksPerWorker: e.THUMBNAIL_TASKS_PER_WORKER,
    parseWorkers: e.PARSE_WORKERS ?? 0,
    pluginDir: path.resolve(cwd, e.PLUGIN_DIR),
    logLevel: e.LOG_LEVEL,
    maxConcurrentJobs: e.MAX_CONCURRENT_JOBS,
    evaluationWarmUpImages: e.EVALUATION_WARM_UP_IMAGES,
    duckdbMemoryLimit: e.DUCKDB_MEMORY_LIMIT,
    duckdbBlockMemory: e.DUCKDB_BLOCK_MEMORY,
    thumbnailQuality: e.THUMBNAIL_QUALITY,
    thumbnailEffort: e.THUMBNAIL_EFFORT,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    uploads: {
      maxBytes: e.MAX_UPLOAD_BYTES,
      maxUnpackedBytes: e.MAX_UNPACKED_BYTES,
      maxUnpackRatio: e.MAX_UNPACK_RATIO,
      minFreeDiskBytes: e.MIN_FREE_DISK_BYTES,
      maxEntries: e.MAX_UPLOAD_ENTRIES,
      maxConcurrent: e.MAX_CONCURRENT_UPLOADS,
      stallMs: e.UPLOAD_STALL_MS,
    },
    sseKeepAliveMs: e.SSE_KEEPALIVE_MS,
    thumbnailCacheBytes: e.THUMBNAIL_CACHE_BYTES,
    apiToken: e.API_TOKEN ?? null,
    corsOrigins: e.CORS_ORIGINS,
    gcs: {
      endpoint: e.GCS_ENDPOINT ?? (e.STORAGE_EMULATOR_HOST === undefined ? null : emulatorUrl(e.STORAGE_EMULATOR_HOST)),
      projectId: e.GCS_PROJECT_ID ?? null,
      timeoutMs: e.GCS_TIMEOUT_MS,
      stallTimeoutMs: e.GCS_STALL_TIMEOUT_MS,
      maxRetries: e.GCS_MAX_RETRIES,
    },
    http: { timeoutMs: e.HTTP_TIMEOUT_MS, stallTimeoutMs: e.HTTP_STALL_TIMEOUT_MS, maxRetries: e.HTTP_MAX_RETRIES },
    imageReadConcurrency: e.IMAGE_READ_CONCURRENCY,
    thumbnailBucket: e.THUMBNAIL_BUCKET ?? null,
    queue:
      e.REDIS_URL === undefined
        ? null
        : { redisUrl: e.REDIS_URL, chunkImages: e.QUEUE_CHUNK_IMAGES, windowChunks: e.QUEUE_WINDOW_CHUNKS, stallMs: e.QUEUE_STALL_MS },
  };
}

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
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in SETTINGS.shape && value !== undefined && value.trim() !== ''));
  const parsed = SETTINGS.safeParse(present);
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
    .map((r) => (rootSchemeOf(r) === null ? path.resolve(cwd, r) : r));
  if (roots.length === 0) throw new ConfigError('invalid configuration:\n  INGEST_ROOTS: lists no directory');
  for (const root of roots) {
    try {
      rootSchemeOf(root)?.check(root);
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  INGEST_ROOTS: ${(err as Error).message}`);
    }
  }
  return fromSettings(e, cwd, roots);
}

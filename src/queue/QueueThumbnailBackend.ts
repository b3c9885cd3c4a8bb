import { EventEmitter, once } from 'node:events';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { CHANNELS, type ThumbnailSettledMessage } from '../diagnostics/channels.js';
import { AppError, abortError } from '../errors.js';
import type { MaskResult, MaskTask, ThumbnailResult, ThumbnailTask } from '../workers/messages.js';
import type { ThumbnailBackend, ThumbnailTaskOptions } from '../workers/ThumbnailBackend.js';
import { ChunkLedger, type SentChunk } from './ChunkLedger.js';
import { QUEUE_DEFAULTS } from './queueDefaults.js';
import { CANCEL_CHANNEL, type ChunkData, type ChunkOutcome, cancelledKey, QUEUE_NAMES, QUEUE_PREFIX, type QueuedImage } from './queueMessages.js';
import { connectRedis, redactRedisUrl } from './redisConnection.js';

/** Options of {@link QueueThumbnailBackend.open}. */
export interface QueueThumbnailBackendOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /** Runs what stays beside the writer: panoptic masks (their RLE is the writer's input). */
  local: ThumbnailBackend;
  /** Images per chunk; default 16 (`QUEUE_CHUNK_IMAGES`). */
  chunkImages?: number;
  /** Chunks queued or running at once, over all jobs; default 32 (`QUEUE_WINDOW_CHUNKS`). */
  windowChunks?: number;
  /** How often chunks that failed for good (their worker died too often) are looked for; default 30 000 (`QUEUE_STALL_MS`). */
  stallMs?: number;
  /** Milliseconds a chunk not yet full waits for more images before it is sent; default 20. */
  lingerMs?: number;
  /** Milliseconds a cancellation waits for workers to confirm that they stopped; default 10 000. */
  cancelGraceMs?: number;
}

/** A cancelled job's key lives a day: longer than any chunk of it can wait in the queue. */
const CANCELLED_TTL_S = 86_400;

/**
 * The thumbnail stage on BullMQ: images go out in chunks of one job's images,
 * to `npm run worker` processes on any machine, and a bounded window of chunks
 * is in flight (BullMQ has no backpressure of its own: {@link needsDrain} is
 * it). Outcomes come back on a results queue, a durable path (QueueEvents is a
 * trimmed stream), and are recorded once per chunk whatever the number of
 * deliveries. Cancelling a job is broadcast, because a BullMQ job can only be
 * cancelled from the process running it.
 */
export class QueueThumbnailBackend implements ThumbnailBackend {
  /** Workers look the images up themselves, within their own INGEST_ROOTS. */
  readonly readsImages = true;
  readonly #options: Required<Omit<QueueThumbnailBackendOptions, 'local' | 'redisUrl'>> & { redisUrl: string };
  readonly #local: ThumbnailBackend;
  readonly #client: Redis;
  readonly #resultsConnection: Redis;
  readonly #chunks: Queue<ChunkData>;
  readonly #results: Worker<ChunkOutcome>;
  readonly #ledger: ChunkLedger;
  readonly #events = new EventEmitter();
  readonly #cancelled = new Set<string>();
  readonly #sweep: NodeJS.Timeout;
  #sweepFailures = 0;
  #closed = false;

  private constructor(options: QueueThumbnailBackendOptions, client: Redis, results: Redis) {
    this.#options = {
      redisUrl: options.redisUrl,
      chunkImages: options.chunkImages ?? QUEUE_DEFAULTS.chunkImages,
      windowChunks: options.windowChunks ?? QUEUE_DEFAULTS.windowChunks,
      stallMs: options.stallMs ?? QUEUE_DEFAULTS.stallMs,
      lingerMs: options.lingerMs ?? QUEUE_DEFAULTS.lingerMs,
      cancelGraceMs: options.cancelGraceMs ?? QUEUE_DEFAULTS.cancelGraceMs,
    };
    this.#local = options.local;
    this.#client = client;
    this.#resultsConnection = results;
    this.#events.setMaxListeners(0);
    this.#chunks = new Queue<ChunkData>(QUEUE_NAMES.chunks, { connection: client, prefix: QUEUE_PREFIX });
    this.#ledger = new ChunkLedger({
      chunkImages: this.#options.chunkImages,
      lingerMs: this.#options.lingerMs,
      send: (chunk) => this.#send(chunk),
      onSettled: () => {
        this.#events.emit('settled');
        if (!this.needsDrain) this.#events.emit('drain');
      },
    });
    this.#results = new Worker<ChunkOutcome>(QUEUE_NAMES.results, async (job: Job<ChunkOutcome>) => this.#ledger.record(job.data), {
      connection: results,
      prefix: QUEUE_PREFIX,
      concurrency: 16,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    this.#results.on('error', () => undefined);
    this.#sweep = setInterval(() => void this.#sweepFailed(), this.#options.stallMs);
    this.#sweep.unref();
  }

  /**
   * Connects to Redis and starts taking results.
   * @throws AppError `THUMBNAIL_QUEUE_UNAVAILABLE` when Redis cannot be reached.
   */
  static async open(options: QueueThumbnailBackendOptions): Promise<QueueThumbnailBackend> {
    const client = await connectRedis(options.redisUrl, { failFast: true });
    try {
      const results = await connectRedis(options.redisUrl);
      return new QueueThumbnailBackend(options, client, results);
    } catch (err) {
      client.disconnect();
      throw err;
    }
  }

  /**
   * Queues one image (a `stored` source, outputs with keys) in its job's open
   * chunk. Resolves with the worker's result.
   * @throws an `AbortError` when `options.signal` aborts (once the workers
   *   stopped writing for the job, or the cancellation's grace ran out).
   * @throws AppError `THUMBNAIL_QUEUE_UNAVAILABLE` when the chunk cannot be queued.
   */
  run(task: ThumbnailTask, options: ThumbnailTaskOptions = {}): Promise<ThumbnailResult> {
    if (this.#closed) return Promise.reject(abortError('the thumbnail queue is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError('the thumbnail task was aborted', signal.reason));
    const jobId = options.jobId ?? 'unattached';
    if (this.#cancelled.has(jobId)) return Promise.reject(abortError(`job ${jobId} was cancelled`));
    const image = queuedImage(task);
    const settled = this.#ledger.add(jobId, image, signal);
    if (CHANNELS.thumbnailSettled.hasSubscribers) {
      const started = performance.now();
      settled.then(
        (result) => this.#published(result, started),
        () => undefined,
      );
    }
    if (signal) {
      const onAbort = () => this.#cancelJob(jobId);
      signal.addEventListener('abort', onAbort, { once: true });
      settled.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
    }
    return settled;
  }

  /** Says that an image's thumbnail came back from the workers, on its diagnostics channel (the metrics listen). */
  #published(result: ThumbnailResult, started: number): void {
    const message: ThumbnailSettledMessage = {
      owner: this,
      ok: result.ok,
      code: result.ok ? null : result.code,
      seconds: (performance.now() - started) / 1000,
    };
    CHANNELS.thumbnailSettled.publish(message);
  }

  /** Masks are cut beside the writer, by the local pool. */
  runMasks(task: MaskTask, options?: ThumbnailTaskOptions): Promise<MaskResult> {
    return this.#local.runMasks(task, options);
  }

  /** True when the window is full: a producer should {@link waitForDrain}. */
  get needsDrain(): boolean {
    return this.#ledger.pendingImages >= this.#capacity;
  }

  /** Images queued beyond the window. */
  get excess(): number {
    return Math.max(0, this.#ledger.pendingImages - this.#capacity);
  }

  get #capacity(): number {
    return this.#options.windowChunks * this.#options.chunkImages;
  }

  async waitForDrain(signal?: AbortSignal): Promise<void> {
    if (!this.needsDrain) {
      signal?.throwIfAborted();
      return;
    }
    await once(this.#events, 'drain', { signal });
  }

  async waitForSettled(signal?: AbortSignal): Promise<void> {
    await once(this.#events, 'settled', { signal });
  }

  async #send(chunk: SentChunk): Promise<void> {
    const data: ChunkData = { jobId: chunk.jobId, chunkId: chunk.chunkId, images: chunk.images };
    try {
      await this.#chunks.add('chunk', data, {
        jobId: chunk.chunkId,
        removeOnComplete: true,
        // Kept a day, so that the sweep can report a chunk that failed for good.
        removeOnFail: { age: 86_400, count: 10_000 },
        // A worker's own failure (Redis lost while reporting back) is retried; an image's never is.
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
      });
    } catch (err) {
      this.#ledger.fail(chunk.chunkId, this.#unavailable(err));
    }
  }

  /**
   * Tells every worker to stop the job: a key for chunks picked up later, a
   * message for the ones running. Chunks still waiting are taken off the queue;
   * running ones end when their worker confirms it stopped (nothing more is
   * being written), or when the grace runs out (a worker that died writes nothing).
   */
  #cancelJob(jobId: string): void {
    if (this.#cancelled.has(jobId)) return;
    this.#cancelled.add(jobId);
    this.#ledger.dropOpen(jobId, abortError(`job ${jobId} was cancelled`));
    void (async () => {
      try {
        await this.#client.set(cancelledKey(jobId), '1', 'EX', CANCELLED_TTL_S);
        await this.#client.publish(CANCEL_CHANNEL, jobId);
        for (const chunkId of this.#ledger.sentOf(jobId)) {
          // 1: it was waiting, and no worker will see it; 0: a worker has it.
          if ((await this.#chunks.remove(chunkId)) === 1) this.#ledger.cancel(chunkId);
        }
      } catch {
        // Redis gone: no worker can be reached, nor can one report anything.
        for (const chunkId of this.#ledger.sentOf(jobId)) this.#ledger.cancel(chunkId);
      }
    })();
    const grace = setTimeout(() => {
      for (const chunkId of this.#ledger.sentOf(jobId)) this.#ledger.cancel(chunkId);
    }, this.#options.cancelGraceMs);
    grace.unref();
  }

  /**
   * Chunks failed for good (their worker died more often than the stall limit
   * allows, or Redis was lost while one reported back) end as `WORKER_CRASHED`.
   * Redis unreachable at two sweeps in a row fails every chunk in flight.
   */
  async #sweepFailed(): Promise<void> {
    try {
      for (const job of await this.#chunks.getFailed(0, 1_000)) {
        if (job.id === undefined || !this.#ledger.isSent(job.id)) continue;
        this.#ledger.crashed(job.id, `thumbnail worker failed (${job.failedReason})`);
        await job.remove().catch(() => undefined);
      }
      this.#sweepFailures = 0;
    } catch (err) {
      if (++this.#sweepFailures >= 2) this.#ledger.failAll(this.#unavailable(err));
    }
  }

  #unavailable(err: unknown): AppError {
    return new AppError(
      'THUMBNAIL_QUEUE_UNAVAILABLE',
      `the thumbnail queue at ${redactRedisUrl(this.#options.redisUrl)} (REDIS_URL) cannot be reached: ${(err as Error).message}`,
    );
  }

  /** Stops taking results and closes the connections. Tasks still pending reject with an `AbortError`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#ledger.failAll(abortError('the thumbnail queue is closed'));
    // Forced: recording an outcome is synchronous, so there is nothing to wait
    // for, and a graceful close waits forever for a Redis that is gone.
    await this.#results.close(true).catch(() => undefined);
    await this.#chunks.close().catch(() => undefined);
    // Connections handed to BullMQ stay ours to close.
    this.#client.disconnect();
    this.#resultsConnection.disconnect();
  }
}

function queuedImage(task: ThumbnailTask): QueuedImage {
  const { source } = task;
  if (source.kind !== 'stored') throw new TypeError(`the thumbnail queue takes stored sources, got ${source.kind}`);
  return {
    imageDir: source.imageDir,
    location: source.location,
    outputs: task.outputs.map((output) => {
      if (output.key === undefined) throw new TypeError("the thumbnail queue needs each output's key");
      return { size: output.size, key: output.key };
    }),
    quality: task.quality,
    ...(task.effort === undefined ? {} : { effort: task.effort }),
    maxPixels: task.maxPixels,
    ...(task.hashes ? { hashes: true } : {}),
  };
}

import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CANCEL_CHANNEL, type ChunkData, type ChunkOutcome, cancelledKey, QUEUE_NAMES, QUEUE_PREFIX } from '../queueMessages.js';
import { connectRedis } from '../redisConnection.js';
import { type ChunkTools, processChunk } from './processChunk.js';

/** Options of {@link ChunkWorker.start}. */
export interface ChunkWorkerOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /** The pool, storage and thumbnail place the chunks are made with. */
  tools: ChunkTools;
  /**
   * Chunks worked on at once; default 2, so that the pool has the next chunk's
   * images while the last of the current one finish.
   */
  concurrency?: number;
  /** A chunk's lock, and how often dead workers' chunks are looked for (`QUEUE_STALL_MS`); default 30 000. */
  stallMs?: number;
  log: Logger;
}

/**
 * One `npm run worker` process's consumer of the chunk queue: it makes each
 * chunk's thumbnails, writes them where the service reads them, and sends the
 * outcome back on the results queue. It never opens the database. A chunk of a
 * cancelled job is stopped (running) or skipped (picked up later).
 */
export class ChunkWorker {
  readonly #worker: Worker<ChunkData>;
  readonly #results: Queue<ChunkOutcome>;
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #blocking: Redis;
  readonly #tools: ChunkTools;
  readonly #log: Logger;
  /** The running chunks' controllers, by job. */
  readonly #running = new Map<string, Set<AbortController>>();

  private constructor(options: ChunkWorkerOptions, connections: { client: Redis; blocking: Redis; subscriber: Redis }) {
    this.#tools = options.tools;
    this.#log = options.log;
    this.#client = connections.client;
    this.#subscriber = connections.subscriber;
    this.#blocking = connections.blocking;
    this.#results = new Queue<ChunkOutcome>(QUEUE_NAMES.results, { connection: connections.client, prefix: QUEUE_PREFIX });
    const stallMs = options.stallMs ?? 30_000;
    this.#worker = new Worker<ChunkData>(QUEUE_NAMES.chunks, (job) => this.#process(job), {
      connection: connections.blocking,
      prefix: QUEUE_PREFIX,
      concurrency: options.concurrency ?? 2,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      // A chunk whose worker keeps dying (an image that kills the process) fails after two tries.
      maxStalledCount: 2,
    });
    this.#worker.on('error', (err) => this.#log.warn({ err }, 'chunk queue error'));
    this.#subscriber.on('message', (_channel: string, jobId: string) => this.#cancel(jobId));
  }

  /**
   * Connects to Redis, subscribes to cancellations and starts taking chunks.
   * @throws AppError `THUMBNAIL_QUEUE_UNAVAILABLE` when Redis cannot be reached.
   */
  static async start(options: ChunkWorkerOptions): Promise<ChunkWorker> {
    const opened: Redis[] = [];
    try {
      for (let i = 0; i < 3; i++) opened.push(await connectRedis(options.redisUrl));
      const [client, blocking, subscriber] = opened as [Redis, Redis, Redis];
      await subscriber.subscribe(CANCEL_CHANNEL);
      return new ChunkWorker(options, { client, blocking, subscriber });
    } catch (err) {
      for (const connection of opened) connection.disconnect();
      throw err;
    }
  }

  async #process(job: Job<ChunkData>): Promise<void> {
    const chunk = job.data;
    const controller = new AbortController();
    const running = this.#running.get(chunk.jobId) ?? new Set();
    this.#running.set(chunk.jobId, running.add(controller));
    try {
      if ((await this.#client.exists(cancelledKey(chunk.jobId))) === 1) controller.abort();
      this.#log.info({ chunkId: chunk.chunkId, jobId: chunk.jobId, images: chunk.images.length, attempt: job.attemptsStarted }, 'chunk started');
      let outcome: ChunkOutcome;
      try {
        const results = await processChunk(chunk, this.#tools, controller.signal);
        outcome = { chunkId: chunk.chunkId, jobId: chunk.jobId, cancelled: false, results };
      } catch (err) {
        if (!controller.signal.aborted) throw err;
        outcome = { chunkId: chunk.chunkId, jobId: chunk.jobId, cancelled: true };
      }
      // The chunk id names the result too: a chunk run twice (its first worker
      // died after reporting) reports once while the first report still waits.
      await this.#results.add('outcome', outcome, { jobId: chunk.chunkId, removeOnComplete: true, removeOnFail: true });
      this.#log.info({ chunkId: chunk.chunkId, jobId: chunk.jobId, cancelled: outcome.cancelled }, 'chunk done');
    } finally {
      running.delete(controller);
      if (running.size === 0) this.#running.delete(chunk.jobId);
    }
  }

  #cancel(jobId: string): void {
    const running = this.#running.get(jobId);
    if (!running) return;
    this.#log.info({ jobId, chunks: running.size }, 'job cancelled: stopping its chunks');
    for (const controller of running) controller.abort();
  }

  /** Finishes the running chunks, then disconnects. */
  async close(): Promise<void> {
    await this.#worker.close();
    await this.#results.close();
    // Connections handed to BullMQ stay ours to close.
    for (const connection of [this.#subscriber, this.#blocking, this.#client]) connection.disconnect();
  }
}

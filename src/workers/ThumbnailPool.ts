import { EventEmitter, once } from 'node:events';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
// Loaded here for its side effect: with sharp's libraries held by the main
// thread, they stay mapped when the last worker exits, instead of being unloaded
// and reloaded under a new one, which sharp documents as unsafe on glibc Linux
// (https://sharp.pixelplumbing.com/install#worker-threads, lovell/sharp#2263).
import 'sharp';
import { CHANNELS, type ThumbnailSettledMessage } from '../diagnostics/channels.js';
import { abortError, isAbortError } from '../errors.js';
import { imageCount } from '../evaluation/EvaluationBatch.js';
import type { MatchResult, MatchTask } from './matchMessages.js';
import type { MaskResult, MaskTask, ThumbnailResult, ThumbnailTask } from './messages.js';
import type { ThumbnailBackend } from './ThumbnailBackend.js';
import { THUMBNAIL_POOL_DEFAULTS } from './thumbnailPoolDefaults.js';
import type { ThumbnailWorkerData } from './thumbnailWorker.js';
import { workerExecArgv } from './workerExecArgv.js';

export { THUMBNAIL_POOL_DEFAULTS } from './thumbnailPoolDefaults.js';

/** Options of {@link ThumbnailPool}. */
export interface ThumbnailPoolOptions {
  /** Worker threads. Default `os.availableParallelism()`. */
  workers?: number;
  /**
   * Images each worker thread works on at once (piscina's
   * `concurrentTasksPerWorker`): while one image's pixels are in libvips, on
   * libuv's threads, the worker's JavaScript can read and start the next. Default
   * {@link THUMBNAIL_POOL_DEFAULTS}.tasksPerWorker.
   */
  tasksPerWorker?: number;
  /**
   * How many tasks may wait for a free worker before {@link ThumbnailPool.needsDrain}
   * turns true. Default `workers * tasksPerWorker * 4`: enough that a worker finishing never waits
   * for the producer to hand it the next image.
   */
  maxQueue?: number;
  /**
   * Start every worker with the pool and keep them while idle, each loading
   * sharp as it starts: the first job after a service starts then pays neither
   * thread start nor the load of its modules and sharp (about 0.3 s of CPU each thread). Default false:
   * threads start on demand, load sharp on their first image, and stop after
   * {@link idleTimeout}.
   */
  warm?: boolean;
  /** Milliseconds an idle worker above the warm ones stays alive before it exits. Default 30 000. */
  idleTimeout?: number;
  /**
   * The worker module, as a path or a `file:` URL. Default `thumbnailWorker.js`
   * next to this module. Tests substitute a worker that dies, to exercise crashes.
   */
  filename?: string | URL;
  /**
   * Called with errors not tied to a task (a worker failing while idle).
   * Default: `process.emitWarning`.
   */
  onError?: (err: Error) => void;
}

/** Options of {@link ThumbnailPool.run}. */
export interface ThumbnailRunOptions {
  /** Aborting drops the task if queued, or terminates its worker if running. */
  signal?: AbortSignal;
  /** Extra objects to move to the worker. A `bytes` source's buffer is added automatically. */
  transferList?: readonly TransferListItem[];
}

/** A point-in-time view of the pool. */
export interface ThumbnailPoolStats {
  /** Live worker threads. */
  workers: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks handed to a worker (or to one starting up). */
  running: number;
  /** Tasks that ended with a result: thumbnails, an image error or a crash (not aborted ones). */
  completed: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** A task waiting for a slot, or running. */
interface Pending {
  task: ThumbnailTask | MaskTask | MatchTask;
  /** The worker module's export that runs it. */
  name: string;
  transferList: readonly TransferListItem[];
  signal: AbortSignal | undefined;
  resolve: (result: ThumbnailResult | MaskResult | MatchResult) => void;
  reject: (err: unknown) => void;
  onAbort: (() => void) | null;
}

/**
 * The thumbnail worker pool: a piscina pool of {@link ThumbnailTask}s with
 * back-pressure for a producer (`needsDrain` / `waitForDrain`), cancellation by
 * `AbortSignal`, and crashes reported as results rather than thrown.
 */
export class ThumbnailPool implements ThumbnailBackend {
  /** Handed paths or fetched bytes, never `stored` sources. */
  readonly readsImages = false;
  readonly #piscina: Piscina<ThumbnailTask | MaskTask | MatchTask, ThumbnailResult | MaskResult | MatchResult>;
  readonly #capacity: number;
  // 'drain' fires whenever a task settles and the pool has room again; 'settled' whenever a task settles.
  readonly #events = new EventEmitter();
  #inFlight = 0;
  #completed = 0;
  /** Task slots: workers × tasks per worker. */
  readonly #slots: number;
  /** Tasks handed to piscina and not yet settled. */
  #active = 0;
  /** Tasks waiting for a slot, in arrival order. */
  readonly #waiting: Pending[] = [];
  #closed = false;

  constructor(options: ThumbnailPoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
    const tasksPerWorker = options.tasksPerWorker ?? THUMBNAIL_POOL_DEFAULTS.tasksPerWorker;
    if (!Number.isInteger(tasksPerWorker) || tasksPerWorker < 1) throw new RangeError(`tasksPerWorker must be a positive integer, got ${tasksPerWorker}`);
    const maxQueue = options.maxQueue ?? workers * tasksPerWorker * THUMBNAIL_POOL_DEFAULTS.queuePerSlot;
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`maxQueue must be a whole number, got ${maxQueue}`);
    this.#slots = workers * tasksPerWorker;
    this.#capacity = this.#slots + maxQueue;
    // One listener per waiting producer; several jobs may wait at once.
    this.#events.setMaxListeners(0);
    const filename = options.filename ?? new URL('./thumbnailWorker.js', import.meta.url);
    this.#piscina = new Piscina<ThumbnailTask | MaskTask | MatchTask, ThumbnailResult | MaskResult | MatchResult>({
      filename: filename instanceof URL ? filename.href : filename,
      execArgv: workerExecArgv(),
      // Warm: every thread from the start, kept while idle. Cold: none while idle, one starts on demand (about 0.1 s, loading sharp).
      minThreads: options.warm === true ? workers : 0,
      workerData: { preloadSharp: options.warm === true } satisfies ThumbnailWorkerData,
      maxThreads: workers,
      concurrentTasksPerWorker: tasksPerWorker,
      idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
      // The queue bound is ours (needsDrain), not piscina's: with piscina's
      // maxQueue a saturated ingest would make on-demand thumbnail requests fail
      // with TaskQueueAtLimit, and those must still get in (ThumbnailStore bounds
      // them). Producers that can wait (the ingest) wait on needsDrain instead.
      maxQueue: Infinity,
    });
    const onError = options.onError ?? ((err: Error) => process.emitWarning(err));
    // Without a listener, an 'error' event would throw and take the process down.
    this.#piscina.on('error', onError);
  }

  /**
   * Resolves once each of the pool's threads has answered a start-up task
   * (sent together: piscina hands each to the least busy thread), having
   * loaded its modules and, warm, sharp: about 0.3 s of CPU apiece on the
   * benchmark's 2-core machine, which a service that listened before it made
   * its first requests wait behind. A thread whose module fails fails its task
   * (reported by the tasks that need it later, as at any other time); one
   * stuck is given up after `timeoutMs`. Never rejects.
   * @param timeoutMs default {@link THUMBNAIL_POOL_DEFAULTS}.startTimeoutMs (30 000)
   */
  async started(timeoutMs: number = THUMBNAIL_POOL_DEFAULTS.startTimeoutMs): Promise<void> {
    const threads = this.#piscina.options.minThreads;
    if (threads === 0) return;
    const stop = new AbortController();
    const ready = Promise.allSettled(Array.from({ length: threads }, () => this.#piscina.run(null as never, { name: 'threadReady' }) /* takes nothing */));
    try {
      await Promise.race([ready, sleep(timeoutMs, undefined, { signal: stop.signal }).catch(() => undefined)]);
    } finally {
      stop.abort();
    }
  }

  /**
   * Makes one image's thumbnails. Resolves with the worker's result; a worker
   * that dies or throws resolves `{ ok: false, code: 'WORKER_CRASHED' }` (piscina
   * replaces it; the task is not retried).
   * @throws an `AbortError` when `options.signal` aborts or the pool is closed.
   */
  async run(task: ThumbnailTask, options: ThumbnailRunOptions = {}): Promise<ThumbnailResult> {
    return (await this.#dispatch(task, 'default', options)) as ThumbnailResult;
  }

  /**
   * Cuts one panoptic PNG's segments into RLE masks, in the same workers and
   * under the same bound as thumbnails (a mask task is one decode, like an image).
   * @throws an `AbortError` when `options.signal` aborts or the pool is closed.
   */
  async runMasks(task: MaskTask, options: ThumbnailRunOptions = {}): Promise<MaskResult> {
    return (await this.#dispatch(task, 'cutPanopticMasks', options)) as MaskResult;
  }

  /**
   * Matches a batch of an evaluation's images (COCOeval's per-image matching),
   * in the same workers and under the same bound as thumbnails.
   * @throws an `AbortError` when `options.signal` aborts or the pool is closed.
   */
  async runMatches(task: MatchTask, options: ThumbnailRunOptions = {}): Promise<MatchResult> {
    return (await this.#dispatch(task, 'matchImages', options)) as MatchResult;
  }

  async #dispatch(task: ThumbnailTask | MaskTask | MatchTask, name: string, options: ThumbnailRunOptions): Promise<ThumbnailResult | MaskResult | MatchResult> {
    if (this.#closed) throw abortError('the thumbnail pool is closed');
    const { signal } = options;
    if (signal?.aborted) throw abortError('the thumbnail task was aborted', signal.reason);
    this.#inFlight++;
    try {
      return await new Promise<ThumbnailResult | MaskResult | MatchResult>((resolve, reject) => {
        const pending: Pending = { task, name, transferList: options.transferList ?? [], signal, resolve, reject, onAbort: null };
        if (signal) {
          // Queued: dropped at once. Dispatched: it finishes first (milliseconds), so that
          // nothing a cancelled job asked for is still being written once its abort is answered.
          pending.onAbort = () => {
            const index = this.#waiting.indexOf(pending);
            if (index === -1) return;
            this.#waiting.splice(index, 1);
            reject(abortError('the thumbnail task was aborted', signal.reason));
          };
          signal.addEventListener('abort', pending.onAbort, { once: true });
        }
        this.#waiting.push(pending);
        this.#pump();
      });
    } finally {
      this.#inFlight--;
      this.#events.emit('settled');
      if (!this.needsDrain) this.#events.emit('drain');
    }
  }

  /**
   * Hands waiting tasks to piscina while a worker has a free slot. Tasks go
   * without their signal: piscina runs a task that has one alone in its worker
   * (aborting it means terminating the worker), which would keep every worker at
   * one image at a time whatever `tasksPerWorker` says.
   */
  #pump(): void {
    while (this.#active < this.#slots && this.#waiting.length > 0) {
      const pending = this.#waiting.shift()!;
      this.#active++;
      const transferList = [...pending.transferList, ...movable(pending.task)];
      const started = performance.now();
      this.#piscina
        .run(pending.task, { name: pending.name, transferList })
        .then(
          (result) => {
            this.#completed++;
            if (pending.name === 'default') this.#published(result, started);
            if (pending.signal?.aborted) pending.reject(abortError('the thumbnail task was aborted', pending.signal.reason));
            else pending.resolve(result);
          },
          (err: unknown) => {
            if (pending.signal?.aborted) pending.reject(abortError('the thumbnail task was aborted', pending.signal.reason));
            else if (this.#closed) pending.reject(abortError('the thumbnail pool is closed', err));
            else if (isAbortError(err)) pending.reject(err);
            else {
              this.#completed++;
              const crashed: ThumbnailResult = {
                ok: false,
                code: 'WORKER_CRASHED',
                message: `${sourceName(pending.task)}: thumbnail worker crashed (${firstLine(err)})`,
              };
              if (pending.name === 'default') this.#published(crashed, started);
              pending.resolve(crashed);
            }
          },
        )
        .finally(() => {
          this.#active--;
          if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
          this.#pump();
        });
    }
  }

  /** Says that a thumbnail task settled, on its diagnostics channel (the metrics listen). */
  #published(result: ThumbnailResult | MaskResult | MatchResult, started: number): void {
    if (!CHANNELS.thumbnailSettled.hasSubscribers) return;
    const message: ThumbnailSettledMessage = {
      owner: this,
      ok: result.ok,
      code: result.ok ? null : result.code,
      seconds: (performance.now() - started) / 1000,
    };
    CHANNELS.thumbnailSettled.publish(message);
  }

  /** True when every worker is busy and `maxQueue` tasks wait: a producer should `waitForDrain()`. */
  get needsDrain(): boolean {
    return this.#inFlight >= this.#capacity;
  }

  /** Tasks beyond the pool's capacity (workers + `maxQueue`): those a producer queued without waiting. */
  get excess(): number {
    return Math.max(0, this.#inFlight - this.#capacity);
  }

  /**
   * Resolves once the pool has room again (at once if it has now).
   * @throws an `AbortError` when `signal` aborts first.
   */
  async waitForDrain(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError('waiting for the thumbnail pool was aborted', signal.reason);
    if (!this.needsDrain) return;
    await once(this.#events, 'drain', { signal });
  }

  /**
   * Resolves when the next task settles, whatever its outcome.
   * @throws an `AbortError` when `signal` aborts first.
   */
  async waitForSettled(signal?: AbortSignal): Promise<void> {
    await once(this.#events, 'settled', { signal });
  }

  /** Counts at this instant. */
  get stats(): ThumbnailPoolStats {
    return { workers: this.#piscina.threads.length, queued: this.#waiting.length, running: this.#active, completed: this.#completed };
  }

  /** Terminates the workers. Pending and later `run()`s reject with an `AbortError`. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#waiting.splice(0)) pending.reject(abortError('the thumbnail pool is closed'));
    await this.#piscina.destroy();
  }
}

/**
 * The buffer of a `bytes` source, when it is the whole of its `ArrayBuffer`:
 * moving a slice would detach its neighbours (Node's pooled small Buffers share
 * one), so those are copied instead.
 */
function movable(task: ThumbnailTask | MaskTask | MatchTask): TransferListItem[] {
  const source = ('source' in task ? task.source : undefined) as ThumbnailTask['source'] | undefined;
  if (source?.kind !== 'bytes' || !(source.bytes instanceof Uint8Array)) return [];
  const { bytes } = source;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

function sourceName(task: ThumbnailTask | MaskTask | MatchTask): string {
  if (!('source' in task)) return `a batch of ${imageCount(task.batch)} evaluated images`;
  const source = task.source as Partial<ThumbnailTask['source']> | undefined;
  if (source?.kind === 'path' && typeof source.path === 'string') return path.basename(source.path);
  if (source?.kind === 'bytes' && typeof source.name === 'string') return source.name;
  if (source?.kind === 'stored' && typeof source.location === 'string')
    return source.imageDir === null ? source.location : path.posix.basename(source.location);
  return 'image';
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n', 1)[0]!.slice(0, 200);
}

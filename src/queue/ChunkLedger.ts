import { abortError } from '../errors.js';
import type { ThumbnailResult } from '../workers/messages.js';
import type { ChunkOutcome, QueuedImage } from './queueMessages.js';

/** One image waiting for its outcome. */
interface PendingImage {
  image: QueuedImage;
  signal: AbortSignal | undefined;
  resolve: (result: ThumbnailResult) => void;
  reject: (err: unknown) => void;
}

/** A chunk handed to {@link ChunkLedgerOptions.send}. */
export interface SentChunk {
  jobId: string;
  chunkId: string;
  images: QueuedImage[];
}

/** Options of {@link ChunkLedger}. */
export interface ChunkLedgerOptions {
  /** Images per chunk. */
  chunkImages: number;
  /** Milliseconds a chunk not yet full waits for more images. */
  lingerMs: number;
  /** Queues a chunk; it must settle it (record, fail, cancel) one way or another. */
  send: (chunk: SentChunk) => void;
  /** Called whenever images settle. */
  onSettled: () => void;
}

interface OpenChunk {
  images: PendingImage[];
  timer: NodeJS.Timeout;
}

/**
 * The queue's bookkeeping, without Redis: each job's chunk being filled, the
 * chunks sent and not yet answered, and how each image's promise settles. An
 * outcome is recorded once: a second delivery of the same chunk (BullMQ
 * delivers at least once) finds nothing left to settle.
 */
export class ChunkLedger {
  readonly #options: ChunkLedgerOptions;
  readonly #open = new Map<string, OpenChunk>();
  readonly #sent = new Map<string, { jobId: string; images: PendingImage[] }>();
  #sequence = 0;
  #pending = 0;

  constructor(options: ChunkLedgerOptions) {
    this.#options = options;
  }

  /** Images added and not yet settled, in open and sent chunks. */
  get pendingImages(): number {
    return this.#pending;
  }

  /** Adds an image to its job's open chunk (sending the chunk when full); resolves with its result. */
  add(jobId: string, image: QueuedImage, signal: AbortSignal | undefined): Promise<ThumbnailResult> {
    return new Promise<ThumbnailResult>((resolve, reject) => {
      let open = this.#open.get(jobId);
      if (!open) {
        open = { images: [], timer: setTimeout(() => this.#flush(jobId), this.#options.lingerMs) };
        this.#open.set(jobId, open);
      }
      open.images.push({ image, signal, resolve, reject });
      this.#pending++;
      if (open.images.length >= this.#options.chunkImages) this.#flush(jobId);
    });
  }

  #flush(jobId: string): void {
    const open = this.#open.get(jobId);
    if (!open) return;
    clearTimeout(open.timer);
    this.#open.delete(jobId);
    const chunkId = `${jobId}.${(++this.#sequence).toString(36)}`;
    this.#sent.set(chunkId, { jobId, images: open.images });
    this.#options.send({ jobId, chunkId, images: open.images.map((p) => p.image) });
  }

  /** The ids of a job's chunks sent and not yet answered. */
  sentOf(jobId: string): string[] {
    return [...this.#sent].filter(([, chunk]) => chunk.jobId === jobId).map(([chunkId]) => chunkId);
  }

  isSent(chunkId: string): boolean {
    return this.#sent.has(chunkId);
  }

  /** A worker's outcome: each image resolves with its result (or rejects, if its caller aborted meanwhile). */
  record(outcome: ChunkOutcome): void {
    if (outcome.cancelled) {
      this.cancel(outcome.chunkId);
      return;
    }
    this.#settle(outcome.chunkId, (pending, index) => {
      if (pending.signal?.aborted) return pending.reject(abortError('the thumbnail task was aborted', pending.signal.reason));
      const result = outcome.results[index];
      if (result) return pending.resolve(stripBytes(result));
      return pending.resolve(crashedResult(pending.image, 'the worker returned no result'));
    });
  }

  /** The chunk ended without running, or stopped: its images reject with an `AbortError`. */
  cancel(chunkId: string): void {
    this.#settle(chunkId, (pending) => pending.reject(abortError('the thumbnail task was aborted', pending.signal?.reason)));
  }

  /** The chunk failed for good: each image resolves `WORKER_CRASHED`. */
  crashed(chunkId: string, why: string): void {
    this.#settle(chunkId, (pending) => pending.resolve(crashedResult(pending.image, why)));
  }

  /** The chunk could not be queued, or will never be answered: its images reject with `err`. */
  fail(chunkId: string, err: unknown): void {
    this.#settle(chunkId, (pending) => pending.reject(err));
  }

  /** A job's chunk being filled, dropped unsent: its images reject with `err`. */
  dropOpen(jobId: string, err: unknown): void {
    const open = this.#open.get(jobId);
    if (!open) return;
    clearTimeout(open.timer);
    this.#open.delete(jobId);
    this.#finish(open.images, (pending) => pending.reject(err));
  }

  /** Every image, open or sent, rejects with `err`. */
  failAll(err: unknown): void {
    for (const jobId of [...this.#open.keys()]) this.dropOpen(jobId, err);
    for (const chunkId of [...this.#sent.keys()]) this.fail(chunkId, err);
  }

  #settle(chunkId: string, each: (pending: PendingImage, index: number) => void): void {
    const chunk = this.#sent.get(chunkId);
    if (!chunk) return;
    this.#sent.delete(chunkId);
    this.#finish(chunk.images, each);
  }

  #finish(images: PendingImage[], each: (pending: PendingImage, index: number) => void): void {
    images.forEach(each);
    this.#pending -= images.length;
    this.#options.onSettled();
  }
}

/** Results carry no thumbnail bytes back: the worker stored them. */
function stripBytes(result: ThumbnailResult): ThumbnailResult {
  if (!result.ok) return result;
  return { ...result, outputs: result.outputs.map(({ data: _data, ...output }) => output) };
}

function crashedResult(image: QueuedImage, why: string): ThumbnailResult {
  const name = image.location.split('/').pop() ?? image.location;
  return { ok: false, code: 'WORKER_CRASHED', message: `${name}: ${why}` };
}

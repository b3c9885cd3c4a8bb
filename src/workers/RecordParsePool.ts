import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RecordRunOutcome, RecordRunParser, RecordRunTask } from '../formats/RecordRunParser.js';
import { workerExecArgv } from './workerExecArgv.js';

/** Options of {@link RecordParsePool}. */
export interface RecordParsePoolOptions {
  /** Worker threads. Default `os.availableParallelism()`. */
  threads?: number;
  /** Milliseconds an idle thread stays alive before it exits. Default 30 000. */
  idleTimeout?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * The parse workers: a piscina pool of its own (not the thumbnail pool's, whose
 * slots and back-pressure are sized for images) running {@link parseRecords}
 * (`parseRecordsWorker.ts`) on runs of records the reader moves to it. The
 * reader bounds how many runs are in flight, so the pool's queue stays short.
 */
export class RecordParsePool implements RecordRunParser {
  readonly threads: number;
  readonly #piscina: Piscina<RecordRunTask, RecordRunOutcome>;

  constructor(options: RecordParsePoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(this.threads) || this.threads < 1) throw new RangeError(`threads must be a positive integer, got ${this.threads}`);
    this.#piscina = new Piscina<RecordRunTask, RecordRunOutcome>({
      filename: new URL('./parseRecordsWorker.js', import.meta.url).href,
      execArgv: workerExecArgv(),
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
    });
    // Without a listener, an 'error' event would throw and take the process down.
    this.#piscina.on('error', (err: Error) => process.emitWarning(err));
  }

  parse(task: RecordRunTask, signal?: AbortSignal): Promise<RecordRunOutcome> {
    return this.#piscina.run(task, { transferList: [task.bytes.buffer as ArrayBuffer], ...(signal ? { signal } : {}) });
  }

  /** Stops the threads; tasks still queued are rejected. */
  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}

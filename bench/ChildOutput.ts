import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** Options of {@link ChildOutput}. */
export interface ChildOutputOptions {
  /** Lines kept in memory for error messages. Default 40. */
  tailLines?: number;
}

const DEFAULTS = { tailLines: 40 } as const;

type Waiter = (line: Record<string, unknown>) => boolean;

/**
 * Drains a child process's stdout and stderr into a log file, so a chatty child
 * never blocks on a full pipe and its full log can be read after a run. Keeps the
 * last lines for error messages, and lets the caller wait for a JSON line
 * (a pino log line, say) that says the child is ready.
 */
export class ChildOutput {
  readonly file: string;
  readonly #log: WriteStream;
  readonly #tailLines: number;
  readonly #tail: string[] = [];
  readonly #waiters = new Set<Waiter>();

  constructor(file: string, streams: Readable[], options: ChildOutputOptions = {}) {
    this.file = file;
    this.#log = createWriteStream(file);
    this.#tailLines = options.tailLines ?? DEFAULTS.tailLines;
    for (const stream of streams) {
      // Per stream: stdout and stderr chunks interleave, a line never spans both.
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        this.#log.write(chunk);
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop()!;
        for (const line of lines) this.#onLine(line);
      });
    }
  }

  /** The last lines the child wrote, joined. */
  tail(): string {
    return this.#tail.join('\n');
  }

  /**
   * Resolves with `pick`'s first non-undefined answer for a JSON line written
   * after this call; rejects when `failed` rejects first or after `timeoutMs`.
   */
  waitForJsonLine<T>(pick: (line: Record<string, unknown>) => T | undefined, failed: Promise<never>, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = (line) => {
        const value = pick(line);
        if (value === undefined) return false;
        done();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ready line after ${timeoutMs} ms; last output:\n${this.tail()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      failed.catch((err: unknown) => {
        done();
        reject(err);
      });
      this.#waiters.add(waiter);
    });
  }

  /** Flushes and closes the log file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  #onLine(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > this.#tailLines) this.#tail.shift();
    if (this.#waiters.size === 0 || !line.startsWith('{')) return;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const waiter of [...this.#waiters]) waiter(json);
  }
}

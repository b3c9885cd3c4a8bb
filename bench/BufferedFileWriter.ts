import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Options of {@link BufferedFileWriter.open}. */
export interface BufferedFileWriterOptions {
  /** Text is collected until it reaches this many characters, then written as one chunk. Default 1 MiB. */
  chunkChars?: number;
}

const DEFAULTS = { chunkChars: 1024 * 1024 } as const;

/**
 * Writes a large text file piece by piece through a write stream, honouring its
 * backpressure: a generator of hundreds of megabytes never holds more than about
 * one chunk plus the stream's buffer in memory.
 */
export class BufferedFileWriter {
  readonly #stream: WriteStream;
  readonly #chunkChars: number;
  #pending: string[] = [];
  #pendingChars = 0;

  private constructor(stream: WriteStream, chunkChars: number) {
    this.#stream = stream;
    this.#chunkChars = chunkChars;
  }

  /** Creates (or truncates) `file`. */
  static open(file: string, options: BufferedFileWriterOptions = {}): BufferedFileWriter {
    return new BufferedFileWriter(createWriteStream(file), options.chunkChars ?? DEFAULTS.chunkChars);
  }

  /** Appends `text`; resolves at once unless a full chunk had to wait for the stream to drain. */
  async write(text: string): Promise<void> {
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (this.#pendingChars >= this.#chunkChars) await this.#flush();
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    await this.#flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const chunk = this.#pending.join('');
    this.#pending = [];
    this.#pendingChars = 0;
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }
}

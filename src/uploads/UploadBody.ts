import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { AppError } from '../errors.js';

/** Options of {@link UploadBody}. */
export interface UploadBodyOptions {
  /** Bytes the body may have; past it the stream fails with `PAYLOAD_TOO_LARGE`. Required. */
  maxBytes: number;
  /** The body's length as its `Content-Length` says, or null; for messages and progress. Required. */
  declared: number | null;
  /** Longest silence of the body, ms, before it fails with `UPLOAD_INCOMPLETE`. Required. */
  stallMs: number;
  /** Bytes received so far, and the declared length. */
  onProgress?: (received: number, total: number | null) => void;
}

/**
 * The one owner of what reading an upload's body makes: the stream that counts
 * its bytes ({@link stream}), the stall timer, and the request's listeners.
 * The stream fails with `UPLOAD_INCOMPLETE` as soon as the client closes the
 * connection (or had closed it already) or stays silent for `stallMs` (a client
 * that stalls or vanishes would hold one of the few upload slots), and with
 * `PAYLOAD_TOO_LARGE` past `maxBytes`. {@link close} ends all of it, on every
 * path: make one only where a `finally` closes it.
 */
export class UploadBody {
  /** The request's body, counted; pipe it where it goes. */
  readonly stream: Transform;
  readonly #req: IncomingMessage;
  readonly #options: UploadBodyOptions;
  readonly #stall: NodeJS.Timeout;
  #received = 0;

  constructor(req: IncomingMessage, options: UploadBodyOptions) {
    this.#req = req;
    this.#options = options;
    const { maxBytes, declared, onProgress } = options;
    this.stream = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.#received += chunk.length;
        if (this.#received > maxBytes) return done(tooLarge(maxBytes));
        onProgress?.(this.#received, declared);
        done(null, chunk);
      },
    });
    this.#stall = setTimeout(() => this.#incomplete(`nothing arrived for ${options.stallMs / 1000} s`), options.stallMs);
    req.on('data', this.#onData);
    req.once('close', this.#onClose);
    req.once('error', this.#onClose);
    // The request is piped, not put in a pipeline: a failure must not destroy
    // it, or the client would see its connection reset instead of the answer.
    req.pipe(this.stream);
    // A client that left while the upload was being set up has already closed:
    // no event will come, and what it sent is still buffered, unread.
    if (req.destroyed) this.#onClose();
  }

  /** Bytes of the body that went through {@link stream}. */
  get received(): number {
    return this.#received;
  }

  /** Ends the timer, the listeners and the stream; nothing of the body fires after it. Safe to call twice. */
  close(): void {
    clearTimeout(this.#stall);
    this.#req.off('data', this.#onData);
    this.#req.off('close', this.#onClose);
    this.#req.off('error', this.#onClose);
    this.#req.unpipe(this.stream);
    // Without an error: a stream destroyed so emits none, so none goes unheard.
    this.stream.destroy();
  }

  readonly #onData = (): void => {
    this.#stall.refresh();
  };

  readonly #onClose = (): void => {
    if (!this.#req.readableEnded) this.#incomplete('the client closed the connection');
  };

  #incomplete(why: string): void {
    // What arrived but was not read yet is dropped with the connection: it arrived all the same.
    const arrived = this.#received + this.#req.readableLength;
    const of = this.#options.declared === null ? '' : ` of ${this.#options.declared}`;
    this.stream.destroy(new AppError('UPLOAD_INCOMPLETE', `the upload stopped after ${arrived} bytes${of}: ${why}`));
  }
}

/** The error of a body past `maxBytes`. */
export function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `the upload is larger than this service accepts (MAX_UPLOAD_BYTES, ${maxBytes} bytes)`);
}

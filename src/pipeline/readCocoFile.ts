import { open } from 'node:fs/promises';
import { Readable, addAbortSignal } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Assembler from 'stream-json/assembler.js';
import { jsonParser } from 'stream-json/parser.js';
import type { Token } from 'stream-json/parser.js';
import { invalidAnnotations } from '../errors.js';
import type { CocoEvent, CocoSection } from './cocoRecords.js';
import { normalizeAnnotation, normalizeCategory, normalizeImage } from './normalizeRecords.js';

/** Options of {@link readCocoFile}. */
export interface ReadCocoOptions {
  /** Label used in error messages, e.g. the file's base name. Required. */
  file: string;
  /** Aborts the read: the file is closed and the generator throws `signal.reason`. Default: none. */
  signal?: AbortSignal;
  /** Called at most once per input chunk with the bytes read so far. Default: none. */
  onProgress?: (p: { bytesRead: number; totalBytes: number | null }) => void;
  /** Size of the input, for progress. Default: the file's size when `source` is a path, else null. */
  totalBytes?: number | null;
  /** Read chunk size in bytes when `source` is a path (a stream keeps its own). Default: 1 MiB ({@link READ_COCO_DEFAULTS}). */
  highWaterMark?: number;
}

/** Defaults of {@link ReadCocoOptions}. */
export const READ_COCO_DEFAULTS = {
  /** 1 MiB reads: few syscalls, and a batch per read stays small enough to pause between. */
  highWaterMark: 1024 * 1024,
} as const;

// A batch is handed over once it holds this many events (it may overshoot by one
// parse block's worth), so a 1 MiB read does not become one huge array.
const BATCH_EVENTS = 1024;
// Input is tokenised in blocks of this many bytes. The tokenizer reports errors
// without a position, so the block is how precisely an error can be located;
// small blocks also measured as fast as large ones (less string copying).
const PARSE_BLOCK_BYTES = 1024;
// stream-chain's `none`: passed to a flushable stage, it means the input has ended.
const END_OF_INPUT = Symbol.for('object-stream.none');

type Tokenizer = (text: string | symbol) => { values?: Token[] } | symbol;

/**
 * Streams a COCO annotation file in one pass and yields its content as batches of
 * {@link CocoEvent}s, in file order: `info` and `licenses` whole; each element of
 * `images`, `annotations` and `categories`, validated and normalised, followed by
 * an `end` event for its array. Top-level keys may come in any order; unknown ones
 * are skipped without being assembled; a missing section yields nothing.
 *
 * Neither the file nor its records are ever held whole: the input is read a chunk
 * at a time, only while the consumer pulls batches, and the file is closed on every
 * exit (end, error, abort, or `return()` by the consumer).
 * @param source a path to open, or a Node Readable of the file's bytes (destroyed when done)
 * @param options see {@link ReadCocoOptions}
 * @throws AppError `INVALID_ANNOTATION_FILE` for malformed, truncated or non-COCO input,
 *   naming the file and where; `signal.reason` when aborted.
 */
export async function* readCocoFile(
  source: string | NodeJS.ReadableStream,
  options: ReadCocoOptions,
): AsyncGenerator<CocoEvent[], void, undefined> {
  const { file, signal, onProgress } = options;
  const highWaterMark = options.highWaterMark ?? READ_COCO_DEFAULTS.highWaterMark;
  if (!(Number.isSafeInteger(highWaterMark) && highWaterMark > 0)) {
    throw new RangeError(`highWaterMark must be a positive integer, got ${highWaterMark}`);
  }
  signal?.throwIfAborted();

  let stream: Readable;
  let totalBytes = options.totalBytes ?? null;
  const ownsFile = typeof source === 'string';
  if (typeof source === 'string') {
    const handle = await open(source, 'r');
    try {
      if (options.totalBytes === undefined) totalBytes = (await handle.stat()).size;
      signal?.throwIfAborted();
    } catch (err) {
      await handle.close();
      throw err;
    }
    stream = handle.createReadStream({ highWaterMark });
  } else {
    stream = source instanceof Readable ? source : Readable.from(source as AsyncIterable<Buffer>);
  }
  // Destroys the stream (closing the file) as soon as the signal fires, even while
  // the consumer is not pulling; a pending read then fails and we rethrow the reason.
  if (signal) addAbortSignal(signal, stream);

  const walker = new CocoWalker(file);
  const tokenize = jsonParser({ packValues: true, streamValues: false }) as unknown as Tokenizer;
  const decoder = new StringDecoder('utf8');
  let bytesRead = 0;
  let atStart = true;

  try {
    for await (const data of stream) {
      const chunk: Buffer = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
      for (let offset = 0; offset < chunk.length; offset += PARSE_BLOCK_BYTES) {
        let text = decoder.write(chunk.subarray(offset, offset + PARSE_BLOCK_BYTES));
        if (atStart && text.length > 0) {
          atStart = false;
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte-order mark
        }
        if (walker.firstChar === '') walker.noteStart(text);
        const blockStart = bytesRead + offset;
        const blockEnd = Math.min(blockStart + PARSE_BLOCK_BYTES, bytesRead + chunk.length);
        walker.walk(tokenizeOrThrow(tokenize, text, walker, blockStart, blockEnd));
        if (walker.batch.length >= BATCH_EVENTS) {
          yield walker.take();
          signal?.throwIfAborted();
        }
      }
      bytesRead += chunk.length;
      onProgress?.({ bytesRead, totalBytes });
      if (walker.batch.length > 0) {
        yield walker.take();
        signal?.throwIfAborted();
      }
    }
    walker.finish(tokenize, decoder.end(), bytesRead);
    if (walker.batch.length > 0) yield walker.take();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    if (!stream.destroyed) stream.destroy();
    // Our own file: do not report done until its descriptor is really closed.
    if (ownsFile && !stream.closed) await new Promise((resolve) => stream.once('close', resolve));
  }
}

function tokenizeOrThrow(tokenize: Tokenizer, text: string, walker: CocoWalker, from: number, to: number): Token[] {
  let out;
  try {
    out = tokenize(text);
  } catch (err) {
    throw walker.syntaxError(err, from, to);
  }
  return typeof out === 'symbol' ? [] : (out.values ?? []);
}

/** Turns one element of a record array into its event (the normalising step, apart from tokenising). */
function recordEvent(section: CocoSection, raw: unknown, index: number, file: string): CocoEvent {
  switch (section) {
    case 'images':
      return { kind: 'image', index, record: normalizeImage(raw, index, file) };
    case 'annotations':
      return { kind: 'annotation', index, record: normalizeAnnotation(raw, index, file) };
    case 'categories':
      return { kind: 'category', index, record: normalizeCategory(raw, index, file) };
  }
}

// Where the walker is in the document.
const BEFORE_TOP = 0; // nothing read yet
const TOP_KEY = 1; // inside the top-level object, expecting a key or its end
const TOP_VALUE = 2; // a top-level key was read, expecting its value
const WHOLE = 3; // assembling `info` or `licenses`
const ELEMENTS = 4; // inside a record array
const SKIPPING = 5; // inside the value of an unknown top-level key
const AFTER_TOP = 6; // the top-level object is closed

/**
 * The tokenising side of the reader: a state machine over stream-json's packed
 * tokens that assembles each record array element with one reused Assembler and
 * appends events to `batch`.
 */
class CocoWalker {
  batch: CocoEvent[] = [];
  private state = BEFORE_TOP;
  private key = '';
  private section: CocoSection = 'images';
  private index = 0;
  private depth = 0;
  private tokensSeen = false;
  /** The first non-blank character of the input, or '' until one is read. */
  firstChar = '';
  private readonly seen = new Set<string>();
  private readonly asm = new Assembler();

  constructor(private readonly file: string) {}

  take(): CocoEvent[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  walk(tokens: Token[]): void {
    const asm = this.asm;
    if (tokens.length > 0) this.tokensSeen = true;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      switch (this.state) {
        case ELEMENTS:
          // Hot path: every token of every record goes through here.
          if (asm.done && token.name === 'endArray') {
            this.batch.push({ kind: 'end', section: this.section, count: this.index });
            this.state = TOP_KEY;
            break;
          }
          asm.consume(token);
          if (asm.done) {
            this.batch.push(recordEvent(this.section, asm.current, this.index, this.file));
            this.index++;
            asm.current = null; // let the raw element go once normalised
          }
          break;
        case TOP_KEY:
          if (token.name === 'keyValue') {
            this.key = token.value;
            this.state = TOP_VALUE;
          } else {
            this.state = AFTER_TOP; // endObject: the parser checks the rest
          }
          break;
        case TOP_VALUE:
          this.startValue(token);
          break;
        case WHOLE:
          asm.consume(token);
          if (asm.done) {
            if (this.key === 'info') this.batch.push({ kind: 'info', value: asm.current as Record<string, unknown> });
            else this.batch.push({ kind: 'licenses', value: asm.current as unknown[] });
            asm.current = null;
            this.state = TOP_KEY;
          }
          break;
        case SKIPPING:
          if (token.name === 'startObject' || token.name === 'startArray') this.depth++;
          else if ((token.name === 'endObject' || token.name === 'endArray') && --this.depth === 0) this.state = TOP_KEY;
          break;
        case BEFORE_TOP:
          if (token.name !== 'startObject') {
            throw invalidAnnotations(`${this.file}: the top level must be an object, got ${tokenKind(token)}`);
          }
          this.state = TOP_KEY;
          break;
        case AFTER_TOP:
          break; // unreachable: the parser rejects anything after the top-level value
      }
    }
  }

  noteStart(text: string): void {
    const match = /\S/.exec(text);
    if (match) this.firstChar = match[0];
  }

  /** Feeds the end of the input; throws if the document is incomplete. */
  finish(tokenize: Tokenizer, tail: string, bytesRead: number): void {
    let tokens: Token[] = [];
    try {
      const out = tokenize(tail);
      if (typeof out !== 'symbol' && out.values) tokens = out.values;
      const last = tokenize(END_OF_INPUT);
      if (typeof last !== 'symbol' && last.values) tokens = tokens.concat(last.values);
    } catch (err) {
      // Once the top-level object is closed, only an incomplete UTF-8 sequence (at
      // most 3 bytes) can be left to fail here; otherwise the input was cut short.
      if (this.state === AFTER_TOP) throw this.syntaxError(err, Math.max(0, bytesRead - 3), bytesRead);
    }
    this.walk(tokens);
    if (this.state === AFTER_TOP) return;
    if (bytesRead === 0) throw invalidAnnotations(`${this.file}: the file is empty`);
    if (this.looksLikeText()) throw this.notJson();
    throw invalidAnnotations(`${this.file}: truncated JSON ${this.where() || 'at the start of the file'}`);
  }

  syntaxError(err: unknown, from: number, to: number): Error {
    if (this.looksLikeText()) return this.notJson();
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^Parser (cannot parse input: )?/, '');
    const where = this.where();
    return invalidAnnotations(`${this.file}: invalid JSON within bytes ${from}-${to - 1}${where ? ` (${where})` : ''}: ${reason}`);
  }

  /** True when nothing JSON-like was read: no token, and the input does not open an object or array. */
  private looksLikeText(): boolean {
    return !this.tokensSeen && this.firstChar !== '{' && this.firstChar !== '[';
  }

  private notJson(): Error {
    const what = this.firstChar === '' ? 'it holds only blanks' : 'a COCO file starts with "{"';
    return invalidAnnotations(`${this.file}: not a JSON file (${what})`);
  }

  private startValue(token: Token): void {
    const key = this.key;
    const known = key === 'info' || key === 'licenses' || key === 'images' || key === 'annotations' || key === 'categories';
    if (known) {
      if (this.seen.has(key)) throw invalidAnnotations(`${this.file}: the top-level key "${key}" appears twice`);
      this.seen.add(key);
    }
    const name = token.name;
    if (key === 'info' || key === 'licenses') {
      const wanted = key === 'info' ? 'startObject' : 'startArray';
      if (name !== wanted) {
        throw invalidAnnotations(`${this.file}: ${key}: expected ${key === 'info' ? 'an object' : 'an array'}, got ${tokenKind(token)}`);
      }
      this.asm.consume(token);
      this.state = WHOLE;
    } else if (key === 'images' || key === 'annotations' || key === 'categories') {
      if (name !== 'startArray') throw invalidAnnotations(`${this.file}: ${key}: expected an array, got ${tokenKind(token)}`);
      this.section = key;
      this.index = 0;
      this.state = ELEMENTS;
    } else if (name === 'startObject' || name === 'startArray') {
      this.depth = 1;
      this.state = SKIPPING;
    } else {
      this.state = TOP_KEY;
    }
  }

  /** Where reading stopped, for error messages: `after annotations[41]`; '' before the top level. */
  private where(): string {
    switch (this.state) {
      case ELEMENTS:
        return this.index > 0 ? `after ${this.section}[${this.index - 1}]` : `at the start of ${this.section}`;
      case WHOLE:
      case SKIPPING:
        return `in "${this.key}"`;
      case TOP_VALUE:
        return `after the key "${this.key}"`;
      case TOP_KEY:
        return this.key ? `after "${this.key}"` : 'at the start of the top-level object';
      case AFTER_TOP:
        return 'after the top-level object';
      default:
        return '';
    }
  }
}

function tokenKind(token: Token): string {
  switch (token.name) {
    case 'startObject':
      return 'an object';
    case 'startArray':
      return 'an array';
    case 'stringValue':
      return 'a string';
    case 'numberValue':
      return 'a number';
    case 'nullValue':
      return 'null';
    default:
      return 'a boolean';
  }
}

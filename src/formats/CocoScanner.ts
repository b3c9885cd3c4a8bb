import { invalidAnnotations } from '../errors.js';
import type { CocoSection } from './records.js';

/**
 * Where {@link CocoScanner} hands what it finds, in file order.
 *
 * Record arrays arrive as runs: `text` holds one or more complete elements with
 * the commas between them, so `JSON.parse('[' + text + ']')` yields them all in
 * one call. `bounds` holds each element's start and end offsets in `buffer`, for
 * locating a record that fails to parse. Buffers handed to the sink are valid
 * only during the call.
 */
export interface CocoScanSink {
  records(run: RecordRun): void;
  sectionEnd(section: CocoSection, count: number): void;
  /** Any other top-level value (`info`, `licenses`, unknown keys), in pieces. */
  valueStart(key: string): void;
  valueBytes(key: string, bytes: Buffer): void;
  valueEnd(key: string): void;
}

/** Complete elements of a record array, as they lie in the file. */
export interface RecordRun {
  section: CocoSection;
  /** Index of the run's first element in its array. */
  firstIndex: number;
  count: number;
  buffer: Buffer;
  /** Start and end offset in `buffer` of each element, flattened. */
  bounds: number[];
  /** File offset of `buffer[0]`. */
  fileOffset: number;
}

/** Options of {@link CocoScanner}. */
export interface CocoScannerOptions {
  /** Label used in error messages. Required. */
  file: string;
  /** Largest record (one element of a record array), in bytes. Default: 64 MiB ({@link COCO_SCANNER_DEFAULTS}). */
  maxRecordBytes?: number;
  /**
   * The top-level keys whose arrays are split into records; other keys are
   * streamed to the sink whole. Default: `images`, `annotations`, `categories`.
   */
  sections?: readonly CocoSection[];
  /**
   * When the top level may itself be an array of records (a results file), the
   * section its records are reported under; null when it must be an object. Default null.
   */
  rootSection?: CocoSection | null;
  /** Whether the top level may be an object of record arrays. Default true. */
  objectRoot?: boolean;
  /**
   * Deepest nesting of arrays and objects in a record or another top-level
   * value, the value's own brackets counting as 1. Default: 100 ({@link COCO_SCANNER_DEFAULTS}).
   */
  maxDepth?: number;
}

/** Defaults of {@link CocoScannerOptions}. */
export const COCO_SCANNER_DEFAULTS = {
  /** A polygon or RLE of a full 8K mask is a few MB; 64 MiB is far beyond any real record, yet bounds memory. */
  maxRecordBytes: 64 * 1024 * 1024,
  /**
   * COCO's deepest record is 3 levels (an annotation's polygons); 100 leaves
   * room for any metadata a tool nests in, and stays far below the depth where
   * V8's recursive JSON.stringify and structuredClone overflow the stack (a few
   * thousand), which a record kept in `extra` goes through on its way to the database.
   */
  maxDepth: 100,
} as const;

// Local constants, not imported from a shared module: V8 does not fold imported
// bindings into this hot loop (measured: the reader 15-20% slower with them imported).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const MAX_KEY_BYTES = 64 * 1024;
const DEFAULT_SECTIONS: readonly CocoSection[] = ['images', 'annotations', 'categories'];

// Where the scanner is in the document.
const START = 0; // before the top-level object
const OBJECT_OPEN = 1; // after '{': a key or '}'
const KEY = 2; // inside a top-level key
const AFTER_KEY = 3; // expecting ':'
const VALUE = 4; // expecting a top-level value
const ARRAY_OPEN = 5; // after a record array's '[': an element or ']'
const ELEMENT = 6; // inside an element
const ARRAY_NEXT = 7; // after an element: ',' or ']'
const ARRAY_ELEMENT = 8; // after ',': an element
const STREAMED = 9; // inside another top-level value
const AFTER_VALUE = 10; // after a top-level value: ',' or '}'
const NEXT_KEY = 11; // after ',': a key
const DONE = 12; // after the top-level object

/**
 * A byte-level scanner for COCO files: it finds the top-level keys and the
 * boundaries of each element of the `images`, `annotations` and `categories`
 * arrays, tracking only strings and nesting depth, and hands complete elements on
 * in runs (see {@link CocoScanSink}), so that `JSON.parse` — V8's native parser —
 * builds the records. This is the reader's fast path: a token-per-value
 * streaming parser spends most of its time building tokens that are discarded.
 *
 * It checks the document's structure (the top-level object, keys, commas,
 * brackets) itself; what lies inside an element is checked by `JSON.parse`, and
 * other top-level values by the sink. Input is pushed a chunk at a time, and a
 * chunk is not used after `push` returns (the caller may reuse its buffer): an
 * element that spans chunks is copied until it completes (at most `maxRecordBytes`). Errors name the file, the byte and the last complete record.
 */
export class CocoScanner {
  readonly #file: string;
  readonly #maxRecordBytes: number;
  readonly #maxDepth: number;
  /** Keys whose arrays are split into records. */
  readonly #sections: ReadonlySet<string>;
  /** Keys that may appear once. */
  readonly #knownKeys: ReadonlySet<string>;
  readonly #rootSection: CocoSection | null;
  readonly #objectRoot: boolean;
  /** True while scanning a top-level array of records. */
  #inRoot = false;
  #state = START;
  /** File offset of the current chunk. */
  #offset = 0;
  #started = false;
  #firstChar = -1;
  #key = '';
  readonly #seen = new Set<string>();
  #section: CocoSection = 'images';
  #index = 0;
  // Inside a value: nesting depth, string and escape state, or a bare scalar.
  #depth = 0;
  #inString = false;
  #escaped = false;
  #scalar = false;
  /** Pieces of a key or element that began in an earlier chunk. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #pendingOffset = 0;

  constructor(options: CocoScannerOptions) {
    this.#file = options.file;
    this.#maxRecordBytes = options.maxRecordBytes ?? COCO_SCANNER_DEFAULTS.maxRecordBytes;
    this.#maxDepth = options.maxDepth ?? COCO_SCANNER_DEFAULTS.maxDepth;
    this.#sections = new Set(options.sections ?? DEFAULT_SECTIONS);
    this.#knownKeys = new Set(['info', 'licenses', ...this.#sections]);
    this.#rootSection = options.rootSection ?? null;
    this.#objectRoot = options.objectRoot ?? true;
    if (!(Number.isSafeInteger(this.#maxRecordBytes) && this.#maxRecordBytes > 0)) {
      throw new RangeError(`maxRecordBytes must be a positive integer, got ${this.#maxRecordBytes}`);
    }
    if (!(Number.isSafeInteger(this.#maxDepth) && this.#maxDepth > 0)) {
      throw new RangeError(`maxDepth must be a positive integer, got ${this.#maxDepth}`);
    }
  }

  /** Scans one chunk of the file, calling `sink` for what it completes. */
  push(chunk: Buffer, sink: CocoScanSink): void {
    let i = 0;
    const n = chunk.length;
    if (!this.#started && n > 0) {
      this.#started = true;
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // UTF-8 byte-order mark
    }
    // The run of complete elements in this chunk.
    let runStart = -1;
    let runFirst = 0;
    let bounds: number[] = [];
    let elementStart = 0;
    let valueStart = 0;
    const flushRun = () => {
      if (runStart < 0) return;
      sink.records({
        section: this.#section,
        firstIndex: runFirst,
        count: bounds.length / 2,
        buffer: chunk,
        bounds,
        fileOffset: this.#offset,
      });
      runStart = -1;
      bounds = [];
    };

    while (i < n) {
      switch (this.#state) {
        case ELEMENT: {
          // Hot path: nearly every byte of a COCO file is inside an element.
          const end = this.#scanValue(chunk, i, n);
          if (end < 0) {
            i = n;
            break;
          }
          if (this.#pending.length === 0) {
            if (runStart < 0) {
              runStart = elementStart;
              runFirst = this.#index;
            }
            bounds.push(elementStart, end);
          } else {
            const whole = this.#takePending(chunk.subarray(0, end));
            sink.records({
              section: this.#section,
              firstIndex: this.#index,
              count: 1,
              buffer: whole,
              bounds: [0, whole.length],
              fileOffset: this.#pendingOffset,
            });
          }
          this.#index++;
          this.#state = ARRAY_NEXT;
          i = end;
          break;
        }
        case ARRAY_NEXT: {
          const c = chunk[i]!;
          if (c === COMMA) this.#state = ARRAY_ELEMENT;
          else if (c === RBRACKET) {
            flushRun();
            sink.sectionEnd(this.#section, this.#index);
            this.#state = this.#inRoot ? DONE : AFTER_VALUE;
          } else if (!isBlank(c)) throw this.#unexpected(c, i, "',' or ']'");
          i++;
          break;
        }
        case ARRAY_ELEMENT:
        case ARRAY_OPEN: {
          const c = chunk[i]!;
          if (isBlank(c)) {
            i++;
          } else if (c === RBRACKET && this.#state === ARRAY_OPEN) {
            sink.sectionEnd(this.#section, 0);
            this.#state = this.#inRoot ? DONE : AFTER_VALUE;
            i++;
          } else if (c === RBRACKET || c === COMMA || c === RBRACE || c === COLON) {
            throw this.#unexpected(c, i, `an element of ${this.#inRoot ? 'the top-level array' : this.#section}`);
          } else {
            elementStart = i;
            this.#beginValue(c);
            this.#state = ELEMENT;
          }
          break;
        }
        case STREAMED: {
          const end = this.#scanValue(chunk, i, n);
          sink.valueBytes(this.#key, chunk.subarray(valueStart, end < 0 ? n : end));
          valueStart = 0;
          if (end < 0) {
            i = n;
          } else {
            sink.valueEnd(this.#key);
            this.#state = AFTER_VALUE;
            i = end;
          }
          break;
        }
        case KEY: {
          const keyStart = this.#pending.length === 0 ? i : 0;
          const end = this.#scanValue(chunk, i, n);
          if (end < 0) {
            this.#keep(chunk.subarray(keyStart), 'a top-level key', MAX_KEY_BYTES, this.#offset + keyStart);
            i = n;
          } else {
            const raw = this.#pending.length === 0 ? chunk.subarray(keyStart, end) : this.#takePending(chunk.subarray(0, end));
            this.#key = JSON.parse(raw.toString('utf8')) as string;
            this.#state = AFTER_KEY;
            i = end;
          }
          break;
        }
        default:
          i = this.#structure(chunk, i, sink);
          if (this.#state === STREAMED) valueStart = i;
      }
    }
    if (this.#state === ELEMENT) {
      // The element goes on in the next chunk: keep its first piece.
      const start = this.#pending.length === 0 ? elementStart : 0;
      if (this.#pending.length === 0) this.#pendingOffset = this.#offset + elementStart;
      this.#keep(chunk.subarray(start), this.#record(this.#index), this.#maxRecordBytes, this.#pendingOffset);
    }
    flushRun();
    this.#offset += n;
  }

  /** Ends the input; throws if the document is incomplete. */
  finish(): void {
    if (this.#state === DONE) return;
    if (this.#offset === 0) throw invalidAnnotations(`${this.#file}: the file is empty`);
    if (this.#firstChar < 0) throw invalidAnnotations(`${this.#file}: not a JSON file (it holds only blanks)`);
    throw invalidAnnotations(`${this.#file}: truncated JSON ${this.where() || 'at the start of the file'}`);
  }

  /** Where scanning is, for error messages: `after annotations[41]`, `in "info"`; '' before the top level. */
  where(): string {
    switch (this.#state) {
      case ELEMENT:
      case ARRAY_OPEN:
      case ARRAY_NEXT:
      case ARRAY_ELEMENT:
        return this.#index > 0 ? `after ${this.#record(this.#index - 1)}` : `at the start of ${this.#inRoot ? 'the top-level array' : this.#section}`;
      case STREAMED:
        return `in "${this.#key}"`;
      case AFTER_KEY:
      case VALUE:
        return `after the key "${this.#key}"`;
      case OBJECT_OPEN:
      case KEY:
      case AFTER_VALUE:
      case NEXT_KEY:
        return this.#key ? `after "${this.#key}"` : 'at the start of the top-level object';
      case DONE:
        return 'after the top-level object';
      default:
        return '';
    }
  }

  /** The structural states: one byte at a time, outside any value. Returns the next offset. */
  #structure(chunk: Buffer, i: number, sink: CocoScanSink): number {
    const c = chunk[i]!;
    if (isBlank(c)) return i + 1;
    switch (this.#state) {
      case START:
        this.#firstChar = c;
        if (c === LBRACKET && this.#rootSection !== null) {
          this.#inRoot = true;
          this.#section = this.#rootSection;
          this.#index = 0;
          this.#state = ARRAY_OPEN;
          return i + 1;
        }
        if (c !== LBRACE || !this.#objectRoot) throw this.#notAnObject(c);
        this.#state = OBJECT_OPEN;
        return i + 1;
      case OBJECT_OPEN:
      case NEXT_KEY:
        if (c === QUOTE) {
          this.#beginValue(c);
          this.#state = KEY;
          return i; // the key is scanned from its opening quote
        }
        if (c === RBRACE && this.#state === OBJECT_OPEN) {
          this.#state = DONE;
          return i + 1;
        }
        throw this.#unexpected(c, i, this.#state === OBJECT_OPEN ? `a key or '}'` : 'a key');
      case AFTER_KEY:
        if (c !== COLON) throw this.#unexpected(c, i, `':' after the key "${this.#key}"`);
        this.#state = VALUE;
        return i + 1;
      case VALUE:
        return this.#startValue(c, i, sink);
      case AFTER_VALUE:
        if (c === COMMA) this.#state = NEXT_KEY;
        else if (c === RBRACE) this.#state = DONE;
        else throw this.#unexpected(c, i, `',' or '}' after "${this.#key}"`);
        return i + 1;
      default: // DONE: only blanks may follow
        throw invalidAnnotations(`${this.#file}: invalid JSON at byte ${this.#offset + i} (after the top-level object): unexpected characters`);
    }
  }

  #startValue(c: number, i: number, sink: CocoScanSink): number {
    const key = this.#key;
    if (this.#knownKeys.has(key)) {
      if (this.#seen.has(key)) throw invalidAnnotations(`${this.#file}: the top-level key "${key}" appears twice`);
      this.#seen.add(key);
    }
    if (this.#sections.has(key)) {
      if (c !== LBRACKET) throw invalidAnnotations(`${this.#file}: ${key}: expected an array, got ${kindOf(c)}`);
      this.#section = key as CocoSection;
      this.#index = 0;
      this.#state = ARRAY_OPEN;
      return i + 1;
    }
    if (key === 'info' && c !== LBRACE) throw invalidAnnotations(`${this.#file}: info: expected an object, got ${kindOf(c)}`);
    if (key === 'licenses' && c !== LBRACKET) {
      throw invalidAnnotations(`${this.#file}: licenses: expected an array, got ${kindOf(c)}`);
    }
    if (c === RBRACE || c === RBRACKET || c === COMMA || c === COLON) throw this.#unexpected(c, i, `a value for "${key}"`);
    this.#beginValue(c);
    this.#state = STREAMED;
    sink.valueStart(key);
    // The value's first byte goes to the sink with the rest of it.
    return i;
  }

  /** Sets the value state for a value whose first byte is `c`; the scan starts on that byte. */
  #beginValue(c: number): void {
    this.#escaped = false;
    this.#depth = 0;
    this.#inString = false;
    this.#scalar = c !== LBRACE && c !== LBRACKET && c !== QUOTE;
  }

  /**
   * Scans a value from `i` (its first byte, or where the previous chunk left
   * off): returns the offset just past its end, or -1 if it goes on past `n`. A
   * bare scalar ends before the byte that ends it.
   */
  #scanValue(buf: Buffer, i: number, n: number): number {
    if (this.#scalar) {
      for (; i < n; i++) {
        const c = buf[i]!;
        if (c === COMMA || c === RBRACE || c === RBRACKET || isBlank(c)) {
          this.#scalar = false;
          return i;
        }
      }
      return -1;
    }
    let depth = this.#depth;
    let inString = this.#inString;
    const maxDepth = this.#maxDepth;
    if (this.#escaped) {
      this.#escaped = false;
      i++;
    }
    for (; i < n; i++) {
      const c = buf[i]!;
      if (inString) {
        if (c === BACKSLASH) {
          if (++i >= n) this.#escaped = true;
        } else if (c === QUOTE) {
          inString = false;
          if (depth === 0) {
            this.#inString = false;
            return i + 1;
          }
        }
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === LBRACE || c === LBRACKET) {
        if (++depth > maxDepth) throw this.#tooDeep(i);
      } else if (c === RBRACE || c === RBRACKET) {
        if (--depth === 0) {
          this.#depth = 0;
          return i + 1;
        }
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    return -1;
  }

  /** How a record is named in messages: `annotations[41]`, or `[41]` in a top-level array. */
  #record(index: number): string {
    return `${this.#inRoot ? '' : this.#section}[${index}]`;
  }

  #keep(piece: Buffer, what: string, limit: number, fileOffset: number): void {
    // A copy: the reader reuses its buffer for the next chunk.
    this.#pending.push(Buffer.from(piece));
    this.#pendingBytes += piece.length;
    if (this.#pendingBytes > limit) {
      throw invalidAnnotations(`${this.#file}: ${what} at byte ${fileOffset} is larger than ${limit} bytes`);
    }
  }

  #takePending(last: Buffer): Buffer {
    this.#pending.push(last);
    const whole = Buffer.concat(this.#pending, this.#pendingBytes + last.length);
    this.#pending = [];
    this.#pendingBytes = 0;
    return whole;
  }

  /** A value nested past `maxDepth`, named as the record or top-level value it is in. */
  #tooDeep(i: number): Error {
    const what = this.#state === STREAMED ? `"${this.#key}"` : this.#record(this.#index);
    return invalidAnnotations(`${this.#file}: ${what}: nested deeper than ${this.#maxDepth} levels of arrays and objects (at byte ${this.#offset + i})`);
  }

  #notAnObject(c: number): Error {
    if (!this.#objectRoot) {
      return invalidAnnotations(`${this.#file}: the top level must be an array of results (a COCO results file), got ${kindOf(c)}`);
    }
    if (c === LBRACKET || c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      return invalidAnnotations(`${this.#file}: the top level must be an object, got ${kindOf(c)}`);
    }
    return invalidAnnotations(`${this.#file}: not a JSON file (a COCO file starts with "{")`);
  }

  #unexpected(c: number, i: number, expected: string): Error {
    const where = this.where();
    return invalidAnnotations(
      `${this.#file}: invalid JSON at byte ${this.#offset + i}${where ? ` (${where})` : ''}: expected ${expected}, got ${describeByte(c)}`,
    );
  }
}

/** What a value starting with byte `c` is, for messages. */
function kindOf(c: number): string {
  if (c === LBRACE) return 'an object';
  if (c === LBRACKET) return 'an array';
  if (c === QUOTE) return 'a string';
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'a number';
  if (c === 0x6e) return 'null';
  if (c === 0x74 || c === 0x66) return 'a boolean';
  return `invalid JSON (${describeByte(c)})`;
}

function describeByte(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

import type { ErrorCode } from '../errorCodes.js';
import { AppError, invalidAnnotations } from '../errors.js';
import type { CocoScanSink, RecordRun } from './CocoScanner.js';
import type { FormatResolver } from './FormatResolver.js';
import { ANNOTATION_FORMATS } from './formatRegistry.js';
import { loneSurrogateAt } from './loneSurrogateAt.js';
import { parseRecordRun } from './parseRecordRun.js';
import type { RecordRunOutcome, RecordRunParser } from './RecordRunParser.js';
import type { CocoEvent, CocoSection } from './records.js';
import { StreamedValue } from './StreamedValue.js';

/** Events of the file in order, with the errors of records skipped among them. */
export interface EventPiece {
  events: CocoEvent[];
  invalid: { section: CocoSection; error: AppError }[];
}

/** A piece ready now, or one a parse worker is still making. */
export type PendingPiece = EventPiece | Promise<EventPiece>;

/** Options of {@link EventSink}. */
export interface EventSinkOptions {
  file: string;
  resolver: FormatResolver;
  maxMetadataBytes: number;
  /** Whether invalid records are skipped (and collected) rather than failing the read. */
  skipping: boolean;
  /** Where runs are parsed off the main thread; null parses them here. */
  parser: RecordRunParser | null;
  signal: AbortSignal | undefined;
}

/**
 * Turns what the scanner finds into events, in file order. Runs of records are
 * parsed here, or, with a parser, moved to a worker: a run is then a promise in
 * the list of pieces, and the reader awaits the pieces in order. The first run
 * of each record array is always parsed here, because its first element settles
 * the file's format (see {@link FormatResolver}), which the workers' reader needs.
 */
export class EventSink implements CocoScanSink {
  #pieces: PendingPiece[] = [];
  #current: EventPiece = { events: [], invalid: [] };
  #value: StreamedValue | null = null;
  readonly #o: EventSinkOptions;

  constructor(options: EventSinkOptions) {
    this.#o = options;
  }

  /** Whether anything is waiting to be taken. */
  get pending(): boolean {
    return this.#pieces.length > 0 || this.#current.events.length > 0 || this.#current.invalid.length > 0;
  }

  /** The pieces made since the last call, in file order. */
  take(): PendingPiece[] {
    this.#close();
    const pieces = this.#pieces;
    this.#pieces = [];
    return pieces;
  }

  records(run: RecordRun): void {
    const { parser, resolver, file } = this.#o;
    const format = resolver.format;
    if (parser && resolver.first.has(run.section) && format !== null && ANNOTATION_FORMATS.includes(format)) {
      this.#close();
      this.#pieces.push(this.#dispatch(parser, run, format.id));
      return;
    }
    const parsed = parseRecordRun(run, file, (section, next) => resolver.readerFor(section, next), this.#o.skipping);
    for (const event of parsed.events) this.#current.events.push(event);
    for (const error of parsed.invalid) this.#current.invalid.push({ section: run.section, error });
  }

  sectionEnd(section: CocoSection, count: number): void {
    this.#current.events.push({ kind: 'end', section, count });
  }

  valueStart(key: string): void {
    const keep = key === 'info' || key === 'licenses';
    this.#value = new StreamedValue(`${this.#o.file}: "${key}"`, keep ? this.#o.maxMetadataBytes : null);
  }

  valueBytes(_key: string, bytes: Buffer): void {
    this.#value!.write(bytes);
  }

  valueEnd(key: string): void {
    const value = this.#value!.end();
    this.#value = null;
    if (key === 'info' || key === 'licenses') {
      // Kept as JSON in the database, whose JSON type refuses what JSON.parse lets through.
      const at = loneSurrogateAt(value);
      if (at !== null) throw invalidAnnotations(`${this.#o.file}: ${key}${at}: a lone surrogate (an unpaired \\uD800-\\uDFFF escape) is not text`);
    }
    if (key === 'info') this.#current.events.push({ kind: 'info', value: value as Record<string, unknown> });
    else if (key === 'licenses') this.#current.events.push({ kind: 'licenses', value: value as unknown[] });
  }

  /** Ends the piece being filled here, so that a dispatched run comes after it. */
  #close(): void {
    if (this.#current.events.length === 0 && this.#current.invalid.length === 0) return;
    this.#pieces.push(this.#current);
    this.#current = { events: [], invalid: [] };
  }

  /** Moves a copy of the run's bytes to a worker (the scanner's chunk may be reused once `push` returns). */
  #dispatch(parser: RecordRunParser, run: RecordRun, formatId: string): Promise<EventPiece> {
    const { bounds, buffer, section } = run;
    const start = bounds[0]!;
    const bytes = new Uint8Array(bounds[bounds.length - 1]! - start);
    bytes.set(buffer.subarray(start, start + bytes.length));
    const relative = new Int32Array(bounds.length);
    for (let i = 0; i < bounds.length; i++) relative[i] = bounds[i]! - start;
    const task = {
      file: this.#o.file,
      formatId,
      section,
      firstIndex: run.firstIndex,
      fileOffset: run.fileOffset + start,
      bytes,
      bounds: relative,
      skipping: this.#o.skipping,
    };
    const piece = parser.parse(task, this.#o.signal).then((outcome) => toPiece(outcome, section));
    // Awaited in order by the reader; until then (or if the read ends first) a failure is not unhandled.
    piece.catch(() => undefined);
    return piece;
  }
}

/** A worker's answer as a piece of events, or the read's error. */
function toPiece(outcome: RecordRunOutcome, section: CocoSection): EventPiece {
  if (!outcome.ok) throw new AppError(outcome.code as ErrorCode, outcome.message);
  return { events: outcome.events, invalid: outcome.invalid.map((f) => ({ section, error: new AppError(f.code as ErrorCode, f.message) })) };
}

import { addAbortSignal, Readable } from 'node:stream';
import { AppError, invalidAnnotations } from '../errors.js';
import { LocalFileStore } from '../storage/LocalFileStore.js';
import type { AnnotationFormat, RecordReader } from './AnnotationFormat.js';
import { CocoScanner, type CocoScanSink, type RecordRun } from './CocoScanner.js';
import { FormatResolver } from './FormatResolver.js';
import { ANNOTATION_FORMATS } from './formatRegistry.js';
import { loneSurrogateAt } from './loneSurrogateAt.js';
import { memberText } from './memberText.js';
import type { CocoEvent, CocoSection } from './records.js';
import { StreamedValue } from './StreamedValue.js';

/** Reads a path given as the source. */
const LOCAL_FILES = new LocalFileStore();

/** Options of {@link readAnnotationFile}. */
export interface ReadAnnotationOptions {
  /** Label used in error messages, e.g. the file's base name. Required. */
  file: string;
  /** The formats the file may be in. Default: every registered one ({@link ANNOTATION_FORMATS}). */
  formats?: readonly AnnotationFormat[];
  /** Told which format the file is in as it settles; read `label` at the end for the split's format. Default: a resolver of its own. */
  resolver?: FormatResolver;
  /** Aborts the read: the file is closed and the generator throws `signal.reason`. Default: none. */
  signal?: AbortSignal;
  /** Called once per input chunk with the bytes read so far. Default: none. */
  onProgress?: (p: { bytesRead: number; totalBytes: number | null }) => void;
  /** Size of the input, for progress. Default: the file's size when `source` is a path, else null. */
  totalBytes?: number | null;
  /** Read chunk size in bytes when `source` is a path (a stream keeps its own). Default: 128 KiB ({@link READ_ANNOTATION_DEFAULTS}). */
  highWaterMark?: number;
  /** Largest single record in bytes. Default: 64 MiB (see `COCO_SCANNER_DEFAULTS`). */
  maxRecordBytes?: number;
  /** Largest `info` or `licenses` value in bytes (they are held whole). Default: 16 MiB ({@link READ_ANNOTATION_DEFAULTS}). */
  maxMetadataBytes?: number;
  /**
   * When given, a record that is not valid JSON or fails validation is skipped and
   * passed here with the error a strict read would throw; the file's structure
   * (truncation, broken brackets) still fails the read. Default: none (strict).
   */
  onInvalidRecord?: (section: CocoSection, error: AppError) => void;
}

/** Defaults of {@link ReadAnnotationOptions}. */
export const READ_ANNOTATION_DEFAULTS = {
  /**
   * 128 KiB reads. Each chunk is parsed and appended in one synchronous slice of
   * the main thread, and every API request waits for the slice under way: with
   * 1 MiB chunks `GET /samples` answered p50 ~150 ms during a 100K-image ingest,
   * with 128 KiB p50 19 ms, and the ingest itself was no slower (5.4-6.4 s against
   * 5.7-7.6 s, alternated) and peaked lower (372-379 MB against 430-490 MB).
   */
  highWaterMark: 128 * 1024,
  /** `info` and `licenses` are a few hundred bytes in real files. */
  maxMetadataBytes: 16 * 1024 * 1024,
} as const;

/**
 * Streams an annotation file in one pass and yields its content as batches of
 * {@link CocoEvent}s, in file order: `info` and `licenses` whole; each element of
 * its record arrays, validated and normalised by its format (settled as the file
 * is read, see {@link FormatResolver}), followed by an `end` event for its array. Top-level keys may come in any order; unknown ones
 * are checked but not kept; a missing section yields nothing.
 *
 * Two parsers share the work. {@link CocoScanner} splits the record arrays into
 * elements and `JSON.parse` builds them, a few thousand per call: that is where a
 * COCO file's bytes are. Every other top-level value goes through stream-json's
 * tokenizer ({@link StreamedValue}), so an unknown key of any size is validated
 * without being held.
 *
 * Neither the file nor its records are ever held whole: the input is read a chunk
 * at a time, only while the consumer pulls batches, and the file is closed on every
 * exit (end, error, abort, or `return()` by the consumer).
 * @param source a path to open, a Node Readable of the file's bytes (destroyed when done), or an
 *   async iterable of chunks (ended when done; each chunk is consumed before the next is pulled)
 * @param options see {@link ReadAnnotationOptions}
 * @throws AppError `INVALID_ANNOTATION_FILE` for malformed, truncated or non-COCO input,
 *   naming the file and where; `signal.reason` when aborted.
 */
export async function* readAnnotationFile(
  source: string | NodeJS.ReadableStream | AsyncIterable<Buffer>,
  options: ReadAnnotationOptions,
): AsyncGenerator<CocoEvent[], void, undefined> {
  const { file, signal, onProgress } = options;
  const highWaterMark = options.highWaterMark ?? READ_ANNOTATION_DEFAULTS.highWaterMark;
  if (!(Number.isSafeInteger(highWaterMark) && highWaterMark > 0)) {
    throw new RangeError(`highWaterMark must be a positive integer, got ${highWaterMark}`);
  }
  signal?.throwIfAborted();
  const formats = options.formats ?? ANNOTATION_FORMATS;
  const resolver = options.resolver ?? new FormatResolver(formats, file);
  const objects = formats.filter((f) => f.root === 'object');
  const scanner = new CocoScanner({
    file,
    maxRecordBytes: options.maxRecordBytes,
    sections: [...new Set(objects.flatMap((f) => Object.keys(f.sections) as CocoSection[]))],
    rootSection: formats.some((f) => f.root === 'array') ? 'results' : null,
    objectRoot: objects.length > 0,
  });
  const sink = new EventSink(file, resolver, options.maxMetadataBytes ?? READ_ANNOTATION_DEFAULTS.maxMetadataBytes, options.onInvalidRecord ?? null);

  let totalBytes = options.totalBytes ?? null;
  let stream: Readable | null = null;
  let chunks: AsyncIterable<Buffer | string>;
  if (typeof source === 'string') {
    if (options.totalBytes === undefined) totalBytes = (await LOCAL_FILES.stat(source)).size;
    signal?.throwIfAborted();
    // Closed by the for-await below on every exit.
    chunks = LOCAL_FILES.readChunks(source, { chunkBytes: highWaterMark, ...(signal ? { signal } : {}) });
  } else if (source instanceof Readable) {
    stream = source;
    // Destroys the stream as soon as the signal fires, even while the consumer is
    // not pulling; a pending read then fails and we rethrow the reason.
    if (signal) addAbortSignal(signal, stream);
    chunks = stream;
  } else {
    // Pulled directly, never through a stream that would read ahead: its chunks
    // may share one reused buffer (an ObjectStore's readChunks).
    chunks = source as AsyncIterable<Buffer>;
  }

  let bytesRead = 0;
  try {
    for await (const data of chunks) {
      const chunk: Buffer = typeof data === 'string' ? Buffer.from(data) : data;
      scanner.push(chunk, sink);
      bytesRead += chunk.length;
      onProgress?.({ bytesRead, totalBytes });
      if (sink.batch.length > 0) {
        yield sink.take();
        signal?.throwIfAborted();
      }
    }
    scanner.finish();
    if (sink.batch.length > 0) yield sink.take();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    if (stream && !stream.destroyed) stream.destroy();
  }
}

/** Turns what the scanner finds into events. */
class EventSink implements CocoScanSink {
  batch: CocoEvent[] = [];
  #value: StreamedValue | null = null;

  constructor(
    private readonly file: string,
    private readonly resolver: FormatResolver,
    private readonly maxMetadataBytes: number,
    private readonly onInvalid: ((section: CocoSection, error: AppError) => void) | null,
  ) {}

  take(): CocoEvent[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  records(run: RecordRun): void {
    const { section, bounds, buffer } = run;
    let raws: unknown[];
    try {
      raws = JSON.parse(`[${buffer.toString('utf8', bounds[0], bounds[bounds.length - 1])}]`) as unknown[];
    } catch {
      if (!this.onInvalid) throw this.#locate(run);
      this.#oneByOne(run);
      return;
    }
    const read = this.resolver.readerFor(section, raws[0]);
    for (let k = 0; k < raws.length; k++) this.#record(read, section, raws[k], run, k);
  }

  sectionEnd(section: CocoSection, count: number): void {
    this.batch.push({ kind: 'end', section, count });
  }

  valueStart(key: string): void {
    const keep = key === 'info' || key === 'licenses';
    this.#value = new StreamedValue(`${this.file}: "${key}"`, keep ? this.maxMetadataBytes : null);
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
      if (at !== null) throw invalidAnnotations(`${this.file}: ${key}${at}: a lone surrogate (an unpaired \\uD800-\\uDFFF escape) is not text`);
    }
    if (key === 'info') this.batch.push({ kind: 'info', value: value as Record<string, unknown> });
    else if (key === 'licenses') this.batch.push({ kind: 'licenses', value: value as unknown[] });
  }

  /** Skipping: parses the run's elements one by one, skipping those that are not JSON. */
  #oneByOne(run: RecordRun): void {
    for (let k = 0; k < run.bounds.length / 2; k++) {
      let raw: unknown;
      try {
        raw = JSON.parse(run.buffer.toString('utf8', run.bounds[2 * k], run.bounds[2 * k + 1]));
      } catch (err) {
        this.onInvalid!(run.section, this.#jsonError(run, k, err));
        continue;
      }
      this.#record(this.resolver.readerFor(run.section, raw), run.section, raw, run, k);
    }
  }

  /** Normalises one record into an event; an invalid one fails the read, or is skipped when skipping. */
  #record(read: RecordReader, section: CocoSection, raw: unknown, run: RecordRun, k: number): void {
    const index = run.firstIndex + k;
    let event: CocoEvent;
    try {
      event = read(raw, index, this.file);
    } catch (err) {
      if (!this.onInvalid || !(err instanceof AppError) || err.code !== 'INVALID_ANNOTATION_FILE') throw err;
      this.onInvalid!(section, err);
      return;
    }
    if ((event.kind === 'annotation' || event.kind === 'result') && event.record.segmentation !== null) {
      event.record.segmentationJson = memberText(run.buffer, run.bounds[2 * k]!, run.bounds[2 * k + 1]!, 'segmentation');
    }
    this.batch.push(event);
  }

  #jsonError(run: RecordRun, k: number, err: unknown): AppError {
    const { section, firstIndex, bounds, buffer, fileOffset } = run;
    const text = buffer.toString('utf8', bounds[2 * k], bounds[2 * k + 1]);
    const { reason, position } = parseFailure(err);
    const at = position === null ? '' : ` at byte ${fileOffset + bounds[2 * k]! + Buffer.byteLength(text.slice(0, position))}`;
    return invalidAnnotations(`${this.file}: ${section}[${firstIndex + k}]: invalid JSON${at}: ${reason}`);
  }

  /** Parses the run's elements one by one to name the one that is not valid JSON. */
  #locate(run: RecordRun): Error {
    for (let k = 0; k < run.bounds.length / 2; k++) {
      try {
        JSON.parse(run.buffer.toString('utf8', run.bounds[2 * k], run.bounds[2 * k + 1]));
      } catch (err) {
        return this.#jsonError(run, k, err);
      }
    }
    return invalidAnnotations(`${this.file}: ${run.section}[${run.firstIndex}]: invalid JSON`);
  }
}

/** Splits V8's JSON.parse message into its reason and the character position, when it gives one. */
function parseFailure(err: unknown): { reason: string; position: number | null } {
  const message = err instanceof Error ? err.message : String(err);
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (at) return { reason: at[1]!, position: Number(at[2]) };
  // "Unexpected token 'x', "...excerpt..." is not valid JSON": the excerpt may be long, and is the input.
  return { reason: message.replace(/, ".*" is not valid JSON$/s, ''), position: null };
}

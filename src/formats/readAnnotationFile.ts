import { addAbortSignal, Readable } from 'node:stream';
import type { AppError } from '../errors.js';
import { LocalFileStore } from '../storage/LocalFileStore.js';
import type { AnnotationFormat } from './AnnotationFormat.js';
import { CocoScanner } from './CocoScanner.js';
import { EventSink, type PendingPiece } from './EventSink.js';
import { FormatResolver } from './FormatResolver.js';
import { ANNOTATION_FORMATS } from './formatRegistry.js';
import type { RecordRunParser } from './RecordRunParser.js';
import type { CocoEvent, CocoSection } from './records.js';

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
  /**
   * Parses the record arrays' runs off the main thread, in worker threads; the
   * events and errors are the same, in the same order. Default: none (parsed on
   * the main thread, within each chunk's slice).
   */
  parser?: RecordRunParser | null;
  /** With a parser: runs in flight per worker thread, ahead of the consumer. Default 4 ({@link READ_ANNOTATION_DEFAULTS}). */
  runsPerThread?: number;
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
  /** A run is a chunk's records (128 KiB): 4 per thread keeps every worker busy while the consumer appends, and holds ~1 MiB. */
  runsPerThread: 4,
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
  const skip = options.onInvalidRecord ?? null;
  const parser = options.parser ?? null;
  const sink = new EventSink({
    file,
    resolver,
    maxMetadataBytes: options.maxMetadataBytes ?? READ_ANNOTATION_DEFAULTS.maxMetadataBytes,
    skipping: skip !== null,
    parser,
    signal,
  });
  const maxInFlight = parser ? parser.threads * (options.runsPerThread ?? READ_ANNOTATION_DEFAULTS.runsPerThread) : 0;

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
  // Pieces in file order; those of runs in the workers are promises, awaited in turn.
  const queue: PendingPiece[] = [];
  let inFlight = 0;
  // A fault the scanner found (or a run parsed here): thrown once the pieces before it are out,
  // so that the first error in the file is the one reported, wherever it was found.
  let failure: unknown = null;
  const next = async (): Promise<CocoEvent[]> => {
    const head = queue.shift()!;
    if (head instanceof Promise) inFlight--;
    const piece = await head;
    for (const { section, error } of piece.invalid) skip!(section, error);
    return piece.events;
  };
  // Scans a chunk (or the end); a fault is kept for after the pieces before it.
  const scan = (step: () => void): boolean => {
    try {
      step();
      return true;
    } catch (err) {
      if (signal?.aborted || parser === null) throw err;
      failure = err;
      return false;
    }
  };
  const takePieces = (): void => {
    for (const piece of sink.take()) {
      queue.push(piece);
      if (piece instanceof Promise) inFlight++;
    }
  };
  try {
    for await (const data of chunks) {
      const chunk: Buffer = typeof data === 'string' ? Buffer.from(data) : data;
      if (!scan(() => scanner.push(chunk, sink))) break;
      bytesRead += chunk.length;
      onProgress?.({ bytesRead, totalBytes });
      if (!sink.pending) continue;
      takePieces();
      // Back-pressure: the reader runs ahead of the consumer by at most this many runs.
      while (queue.length > 0 && (inFlight > maxInFlight || !(queue[0] instanceof Promise))) {
        const events = await next();
        if (events.length > 0) yield events;
        signal?.throwIfAborted();
      }
    }
    if (failure === null) scan(() => scanner.finish());
    takePieces();
    while (queue.length > 0) {
      const events = await next();
      if (events.length > 0) yield events;
      signal?.throwIfAborted();
    }
    if (failure !== null) throw failure;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    if (stream && !stream.destroyed) stream.destroy();
  }
}

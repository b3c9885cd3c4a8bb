import { AppError, invalidAnnotations } from '../errors.js';
import type { RecordReader } from './AnnotationFormat.js';
import type { RecordRun } from './CocoScanner.js';
import { memberText } from './memberText.js';
import type { CocoSection, RecordEvent } from './records.js';

/** The reader of a run's elements, given the first one about to be read (see `FormatResolver.readerFor`). */
export type ReaderFor = (section: CocoSection, next: unknown) => RecordReader;

/** What {@link parseRecordRun} made of a run: its records, and, when skipping, the errors of those it skipped, in order. */
export interface ParsedRun {
  events: RecordEvent[];
  invalid: AppError[];
}

/**
 * Parses and normalises the elements of one {@link RecordRun}: all of them in one
 * `JSON.parse` call, then each through its format's reader. An annotation's or a
 * result's `segmentationJson` is its segmentation's text as the file had it.
 *
 * The same function runs on the main thread and in the parse workers
 * (`src/workers/parseRecordsWorker.ts`), so the errors are the same wherever a
 * run is parsed: they name the file, the record's index and the field.
 * @param skipping when true, a record that is not JSON or fails its reader is
 *   left out and its error returned in `invalid`; when false, the first one throws
 * @throws AppError `INVALID_ANNOTATION_FILE` naming the file, record and field (strict)
 */
export function parseRecordRun(run: RecordRun, file: string, readerFor: ReaderFor, skipping: boolean): ParsedRun {
  const { section, bounds, buffer } = run;
  const out: ParsedRun = { events: [], invalid: [] };
  let raws: unknown[];
  try {
    raws = JSON.parse(`[${buffer.toString('utf8', bounds[0], bounds[bounds.length - 1])}]`) as unknown[];
  } catch {
    if (!skipping) throw locate(run, file);
    oneByOne(run, file, readerFor, out);
    return out;
  }
  const read = readerFor(section, raws[0]);
  for (let k = 0; k < raws.length; k++) record(read, raws[k], run, k, file, skipping, out);
  return out;
}

/** Skipping: parses the run's elements one by one, skipping those that are not JSON. */
function oneByOne(run: RecordRun, file: string, readerFor: ReaderFor, out: ParsedRun): void {
  for (let k = 0; k < run.bounds.length / 2; k++) {
    let raw: unknown;
    try {
      raw = JSON.parse(run.buffer.toString('utf8', run.bounds[2 * k], run.bounds[2 * k + 1]));
    } catch (err) {
      out.invalid.push(jsonError(run, k, err, file));
      continue;
    }
    record(readerFor(run.section, raw), raw, run, k, file, true, out);
  }
}

/** Normalises one record into an event; an invalid one throws, or is set aside when skipping. */
function record(read: RecordReader, raw: unknown, run: RecordRun, k: number, file: string, skipping: boolean, out: ParsedRun): void {
  let event: RecordEvent;
  try {
    event = read(raw, run.firstIndex + k, file);
  } catch (err) {
    if (!skipping || !(err instanceof AppError) || err.code !== 'INVALID_ANNOTATION_FILE') throw err;
    out.invalid.push(err);
    return;
  }
  if ((event.kind === 'annotation' || event.kind === 'result') && event.record.segmentation !== null) {
    event.record.segmentationJson = memberText(run.buffer, run.bounds[2 * k]!, run.bounds[2 * k + 1]!, 'segmentation');
  }
  out.events.push(event);
}

function jsonError(run: RecordRun, k: number, err: unknown, file: string): AppError {
  const { section, firstIndex, bounds, buffer, fileOffset } = run;
  const text = buffer.toString('utf8', bounds[2 * k], bounds[2 * k + 1]);
  const { reason, position } = parseFailure(err);
  const at = position === null ? '' : ` at byte ${fileOffset + bounds[2 * k]! + Buffer.byteLength(text.slice(0, position))}`;
  return invalidAnnotations(`${file}: ${section}[${firstIndex + k}]: invalid JSON${at}: ${reason}`);
}

/** Parses the run's elements one by one to name the one that is not valid JSON. */
function locate(run: RecordRun, file: string): Error {
  for (let k = 0; k < run.bounds.length / 2; k++) {
    try {
      JSON.parse(run.buffer.toString('utf8', run.bounds[2 * k], run.bounds[2 * k + 1]));
    } catch (err) {
      return jsonError(run, k, err, file);
    }
  }
  return invalidAnnotations(`${file}: ${run.section}[${run.firstIndex}]: invalid JSON`);
}

/** Splits V8's JSON.parse message into its reason and the character position, when it gives one. */
function parseFailure(err: unknown): { reason: string; position: number | null } {
  const message = err instanceof Error ? err.message : String(err);
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (at) return { reason: at[1]!, position: Number(at[2]) };
  // "Unexpected token 'x', "...excerpt..." is not valid JSON": the excerpt may be long, and is the input.
  return { reason: message.replace(/, ".*" is not valid JSON$/s, ''), position: null };
}

import type { CocoSection, RecordEvent } from './records.js';

/**
 * One run of a record array's elements, as a parse worker receives it: the
 * bytes are the run's own copy (moved to the worker, not copied again), and
 * `bounds` are offsets into them.
 */
export interface RecordRunTask {
  /** The file's label in error messages. */
  file: string;
  /** The `id` of the format whose reader reads the run (settled by the run's array's first element). */
  formatId: string;
  section: CocoSection;
  /** Index of the run's first element in its array. */
  firstIndex: number;
  /** File offset of `bytes[0]`, for the byte named by a JSON error. */
  fileOffset: number;
  bytes: Uint8Array;
  /** Start and end offset in `bytes` of each element, flattened. */
  bounds: Int32Array;
  /** Whether invalid records are skipped (`on_invalid: "skip"`) rather than failing the read. */
  skipping: boolean;
}

/** A skipped record's error, as it crosses threads. */
export interface RecordRunFailure {
  code: string;
  message: string;
}

/** A parse worker's answer: the run's records in order, or the error that fails the read. */
export type RecordRunOutcome = { ok: true; events: RecordEvent[]; invalid: RecordRunFailure[] } | { ok: false; code: string; message: string };

/**
 * Parses runs of records off the main thread (`RecordParsePool` in
 * `src/workers`). The reader hands it runs and keeps their order itself.
 */
export interface RecordRunParser {
  /** Worker threads: the reader keeps a few runs per thread in flight. */
  readonly threads: number;
  /** Parses one run. Rejects only for what is not the file's fault (a crashed worker, an abort). */
  parse(task: RecordRunTask, signal?: AbortSignal): Promise<RecordRunOutcome>;
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The parser options of the baseline: `default` is `parser()` as documented;
 * `packed-only` is `parser({ streamValues: false })`, which skips the streamed
 * string/number chunks that `streamValues()` never reads.
 */
export type StreamJsonVariant = 'default' | 'packed-only';

/** What the stream-json baseline measured. */
export interface StreamJsonParseResult {
  /** From opening the file to the end of the stream, measured inside the child, ms. */
  elapsedMs: number;
  /** Records assembled: images + annotations + categories. */
  values: number;
  /** The child's peak resident set, bytes. */
  peakRssBytes: number;
}

/**
 * Baseline for the metadata-only ingest: stream-json's standard pipeline
 * (`chain([createReadStream, parser(), pick(...), streamValues()])`) merely
 * parsing and assembling the file's records, in a child process of its own.
 * @param expectedValues the file's images + annotations + categories
 * @throws when the child fails or assembled a different number of records
 */
export async function parseWithStreamJson(
  repoRoot: string,
  file: string,
  expectedValues: number,
  variant: StreamJsonVariant = 'default',
): Promise<StreamJsonParseResult> {
  const child = path.join(repoRoot, 'dist/bench/baselines/streamJsonParseChild.js');
  const { stdout } = await run(process.execPath, [child, file, variant], { maxBuffer: 1024 * 1024 });
  const result = JSON.parse(stdout.trim()) as StreamJsonParseResult;
  if (result.values !== expectedValues) {
    throw new Error(`stream-json assembled ${result.values} records of ${file}, expected ${expectedValues}`);
  }
  return result;
}

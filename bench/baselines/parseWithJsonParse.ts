import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the `JSON.parse` baseline measured. */
export interface JsonParseResult {
  /** From reading the file to the parsed object, measured inside the child, ms. */
  elapsedMs: number;
  /** Records parsed: images + annotations + categories. */
  values: number;
  /** The child's peak resident set, bytes. */
  peakRssBytes: number;
}

/**
 * The floor for the metadata-only ingest: `JSON.parse(readFileSync(file))` of
 * the whole file in a child process of its own (see jsonParseChild).
 * @param expectedValues the file's images + annotations + categories
 * @throws when the child fails or parsed a different number of records
 */
export async function parseWithJsonParse(repoRoot: string, file: string, expectedValues: number): Promise<JsonParseResult> {
  const child = path.join(repoRoot, 'dist/bench/baselines/jsonParseChild.js');
  const { stdout } = await run(process.execPath, [child, file], { maxBuffer: 1024 * 1024 });
  const result = JSON.parse(stdout.trim()) as JsonParseResult;
  if (result.values !== expectedValues) throw new Error(`JSON.parse found ${result.values} records in ${file}, expected ${expectedValues}`);
  return result;
}

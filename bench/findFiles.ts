import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every file under `dir` (searched recursively) whose name `matches`, as sorted
 * absolute paths: sorted so that what is built from them is the same on every run.
 */
export async function findFiles(dir: string, matches: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && matches(entry.name))
    .map((entry) => path.resolve(entry.parentPath, entry.name))
    .sort();
}

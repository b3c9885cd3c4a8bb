import { type FileHandle, open } from 'node:fs/promises';

/** A file on this machine, open for reading, with its size. */
export interface LocalFile {
  handle: FileHandle;
  size: number;
}

/**
 * Opens a file the user named on the command line, for reading.
 * @throws an Error whose message names the file and says what is wrong with it
 *   in words (no such file, permission denied, a folder), not an errno dump.
 */
export async function openLocalFile(file: string, what: string): Promise<LocalFile> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new Error(`${file}: ${fileProblem(err)}`);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new Error(`${file}: is a folder; give the ${what} itself`);
    if (!stats.isFile()) throw new Error(`${file}: is not a regular file; give the ${what} itself`);
    return { handle, size: stats.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** What a file-system error means, in words. */
export function fileProblem(err: unknown): string {
  switch ((err as { code?: unknown } | null)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ELOOP':
      return 'too many symbolic links';
    default: {
      const message = err instanceof Error ? err.message : String(err);
      return `cannot be read (${message.split('\n', 1)[0]})`;
    }
  }
}

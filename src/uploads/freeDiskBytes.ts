import { statfs } from 'node:fs/promises';
import path from 'node:path';

/**
 * Bytes free to this process on the disk that holds `location`, or would hold
 * it: a folder not made yet is judged by the nearest one above it that exists.
 */
export async function freeDiskBytes(location: string): Promise<number> {
  for (let at = path.resolve(location); ; at = path.dirname(at)) {
    try {
      const { bavail, bsize } = await statfs(at);
      return bavail * bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || at === path.dirname(at)) throw err;
    }
  }
}

import { statfs } from 'node:fs/promises';
import { AppError } from '../errors.js';

/**
 * Refuses an upload the disk cannot hold, before a byte of it is read: the
 * archive and then its unpacked files need about twice its length (JPEGs do
 * not compress) on the disk of `folder`.
 * @throws AppError `UPLOAD_NO_SPACE` (507) saying how much is needed and free.
 */
export async function checkUploadSpace(folder: string, declaredBytes: number): Promise<void> {
  const { bavail, bsize } = await statfs(folder);
  const free = bavail * bsize;
  const needed = declaredBytes * 2;
  if (needed > free) {
    throw new AppError(
      'UPLOAD_NO_SPACE',
      `the upload needs about ${gigabytes(needed)} GB on the service's disk (the archive, then its files) and ${gigabytes(free)} GB are free`,
    );
  }
}

const gigabytes = (bytes: number): string => (bytes / 1024 ** 3).toFixed(1);

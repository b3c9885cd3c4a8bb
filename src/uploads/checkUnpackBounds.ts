import { AppError } from '../errors.js';

/** What an archive's unpacking is checked against, before a byte of it is written. */
export interface UnpackBounds {
  /** Bytes of the archive file. */
  archiveBytes: number;
  /** `MAX_UNPACKED_BYTES`: all its files together. */
  maxBytes: number;
  /** `MAX_UNPACK_RATIO`: unpacked bytes per byte of the archive. */
  maxRatio: number;
  /** Bytes free on the disk the files go to. */
  freeBytes: number;
  /** `MIN_FREE_DISK_BYTES`: what the files must leave free of it. */
  keepFreeBytes: number;
}

/**
 * Checks the bytes an archive's central directory declares its entries unpack
 * to against the bounds: the most it may unpack to, the most per byte of the
 * archive (a decompression bomb's mark), and what the disk can take while
 * keeping its margin. yauzl then holds each entry to its declared size.
 * @throws AppError `UPLOAD_REJECTED` naming the bound crossed, with the numbers.
 */
export function checkUnpackBounds(declared: number, bounds: UnpackBounds): void {
  const { archiveBytes, maxBytes, maxRatio, freeBytes, keepFreeBytes } = bounds;
  const declares = `its entries declare ${declared} bytes unpacked`;
  if (declared > maxBytes) throw rejected(`${declares}, more than MAX_UNPACKED_BYTES (${maxBytes})`);
  const ratio = declared / Math.max(archiveBytes, 1);
  if (ratio > maxRatio) {
    throw rejected(
      `${declares} from ${archiveBytes} bytes, ${ratio.toFixed(1)} times its size, more than MAX_UNPACK_RATIO (${maxRatio}); a dataset's images unpack to about their size, its JSON to 5-10 times`,
    );
  }
  const room = freeBytes - keepFreeBytes;
  if (declared > room) {
    throw rejected(`${declares}, more than the disk can take: ${freeBytes} bytes free, less MIN_FREE_DISK_BYTES (${keepFreeBytes}) kept free`);
  }
}

function rejected(message: string): AppError {
  return new AppError('UPLOAD_REJECTED', `uploaded archive: ${message}`);
}

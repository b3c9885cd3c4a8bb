import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { objectReadFailed } from '../errors.js';

/**
 * The stream that decodes an answer sent with `Content-Encoding: encoding`
 * (null: sent as it is). Nothing asks for an encoding, but a server may send a
 * file stored compressed that way anyway; fetch decoded it, and so do we.
 * @throws AppError `OBJECT_READ_FAILED` naming `location` for an encoding we cannot decode
 */
export function decoderFor(encoding: string | null, location: string): Transform | null {
  const name = (encoding ?? '').trim().toLowerCase();
  switch (name) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw objectReadFailed(location, `the server sent it with Content-Encoding ${name}, which cannot be decoded`);
  }
}

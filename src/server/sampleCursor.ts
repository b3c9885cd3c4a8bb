import { invalidRequest } from '../errors.js';

/**
 * The opaque cursor of `GET /samples`: where the next page starts (after this
 * sample id), versioned so that its form can change without breaking clients
 * that hold one.
 */
export function encodeCursor(afterId: number): string {
  return Buffer.from(`v1:${afterId}`).toString('base64url');
}

/** The cursor of a page sorted by errors (`sort=errors`): after this sample, which has `errors` errors. */
export function encodeErrorsCursor(errors: number, afterId: number): string {
  return Buffer.from(`v2:${errors}:${afterId}`).toString('base64url');
}

/**
 * Either kind of cursor: the id, and the errors of a `sort=errors` one (null otherwise).
 * @throws AppError `INVALID_REQUEST` (400) for anything the encoders did not make.
 */
export function decodeAnyCursor(cursor: string): { afterId: number; afterErrors: number | null } {
  const match = /^v2:(0|[1-9]\d{0,9}):([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match) return { afterErrors: Number(match[1]), afterId: Number(match[2]) };
  return { afterId: decodeCursor(cursor), afterErrors: null };
}

/** @throws AppError `INVALID_REQUEST` (400) for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): number {
  const match = /^v1:([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalidRequest('invalid query: cursor: must be a cursor from next_cursor', { fields: ['cursor'] });
  return Number(match[1]);
}

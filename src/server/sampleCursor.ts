import { invalidRequest } from '../errors.js';

/**
 * The opaque cursor of `GET /samples`: where the next page starts (after this
 * sample id), versioned so that its form can change without breaking clients
 * that hold one.
 */
export function encodeCursor(afterId: number): string {
  return Buffer.from(`v1:${afterId}`).toString('base64url');
}

/** @throws AppError `INVALID_REQUEST` (400) for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): number {
  const match = /^v1:([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalidRequest('invalid query: cursor: must be a cursor from next_cursor', { fields: ['cursor'] });
  return Number(match[1]);
}

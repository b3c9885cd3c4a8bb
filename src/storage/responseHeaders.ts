import type { Dispatcher } from 'undici';

/** An undici answer's headers: lower-case names, a repeated one as an array. */
export type ResponseHeaders = Dispatcher.ResponseData['headers'];

/** A response header's value (the first, if repeated); null when absent. */
export function header(headers: ResponseHeaders, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * The whole object's size: `Content-Range: bytes a-b/total`, or the length of
 * a whole answer (`partial` false), or of a partial one from `offset` on; null
 * when the answer says neither.
 */
export function totalSize(headers: ResponseHeaders, offset: number, partial: boolean): number | null {
  const total = /\/(\d+)$/.exec(header(headers, 'content-range') ?? '')?.[1];
  if (total !== undefined) return Number(total);
  const length = Number(header(headers, 'content-length') ?? NaN);
  if (!Number.isSafeInteger(length) || length < 0) return null;
  return partial ? length + offset : length;
}

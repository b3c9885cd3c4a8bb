import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError } from '../errors.js';

/** Methods that change nothing, open to anyone who can reach the service. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * With a token configured, refuses every mutating request (ingest, cancel,
 * delete) that does not carry `Authorization: Bearer <token>`: 401 with
 * `WWW-Authenticate`. Reads stay open, as the browser view needs them.
 *
 * Both sides are hashed before the comparison, so `timingSafeEqual` compares
 * equal-length digests and the time taken says nothing about the token, not
 * even its length.
 * @param token the configured `API_TOKEN`; null lets every request through
 */
export function requireToken(token: string | null): Middleware {
  if (token === null) return (_ctx, next) => next();
  const expected = digest(token);
  return async (ctx, next) => {
    if (SAFE_METHODS.has(ctx.method)) return next();
    const header = ctx.get('Authorization');
    const presented = /^Bearer +([\x21-\x7e]+) *$/i.exec(header)?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="coco-ingest"');
      throw new AppError('UNAUTHORIZED', header === '' ? `${ctx.method} ${ctx.path} needs Authorization: Bearer <API_TOKEN>` : 'the bearer token is not valid');
    }
    return next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

import type { Middleware } from 'koa';

/** Headers every response carries. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Sets {@link SECURITY_HEADERS} before anything else can answer.
 * @param crossOrigin true when other origins are allowed (`CORS_ORIGINS`): their
 *   pages may then embed our images, so the resource policy becomes `cross-origin`
 */
export function securityHeaders(crossOrigin = false): Middleware {
  const headers = crossOrigin ? { ...SECURITY_HEADERS, 'Cross-Origin-Resource-Policy': 'cross-origin' } : SECURITY_HEADERS;
  return async (ctx, next) => {
    ctx.set(headers);
    await next();
  };
}

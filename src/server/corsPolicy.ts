import cors from '@koa/cors';
import type { Middleware } from 'koa';

/**
 * CORS for the origins listed in `CORS_ORIGINS`, through `@koa/cors`: preflights
 * answered, and `Access-Control-Allow-Origin` echoing the request's origin only
 * when it is listed. With no origins, no CORS header is ever sent, so browsers
 * keep other sites' pages from reading the API.
 * @param origins exact origins (`https://app.example.com`); default in the config: none
 */
export function corsPolicy(origins: readonly string[]): Middleware {
  if (origins.length === 0) return (_ctx, next) => next();
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID'],
    exposeHeaders: ['ETag', 'Retry-After'],
    maxAge: 600,
  });
}

import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { redactUrl } from './redactUrl.js';

/**
 * One structured log line per request (pino-http), at `info`, with status and
 * time taken; credentials in the query string are redacted ({@link redactUrl}).
 */
export function requestLogger(log: Logger): Middleware {
  const http = pinoHttp({
    logger: log,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return async (ctx, next) => {
    http(ctx.req, ctx.res);
    await next();
  };
}

import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { fromDatabase } from '../db/databaseErrors.js';
import type { ErrorCode } from '../errorCodes.js';
import { AppError, toAppError } from '../errors.js';

/**
 * The one place errors become responses: `{"error": {"code", "message"}}` with
 * the error's status. Messages of errors not marked safe are replaced by a
 * generic one (the original goes to the log). Unknown routes get a 404 in the
 * same shape.
 */
export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        throw new AppError('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const error = fromKoa(err) ?? fromDatabase(err) ?? toAppError(err);
      if (error.status >= 500) log.error({ err, path: ctx.path }, error.message);
      if (ctx.headerSent || !ctx.writable) return;
      ctx.status = error.status;
      if (error.status === 503 && typeof error.details?.retry_after === 'number') {
        ctx.set('Retry-After', String(error.details.retry_after));
      }
      ctx.body = {
        error: {
          code: error.code,
          message: error.expose ? error.message : 'internal error; see the service log',
          ...(error.expose ? error.details : undefined),
        },
      };
    }
  };
}

/** Koa and its middleware throw `http-errors` (e.g. 413 from the body parser); keep their status. */
function fromKoa(err: unknown): AppError | null {
  if (err instanceof AppError || typeof err !== 'object' || err === null) return null;
  const e = err as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  if (typeof e.status !== 'number' || e.status < 400 || (e.status >= 500 && e.status !== 501)) return null;
  const codes: Record<number, ErrorCode> = {
    400: 'INVALID_REQUEST',
    405: 'METHOD_NOT_ALLOWED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    501: 'NOT_IMPLEMENTED',
  };
  const unparsable = e.type === 'entity.parse.failed' || err instanceof SyntaxError;
  const message = e.status === 413 ? 'request body too large' : unparsable ? `request body is not valid JSON (${String(e.message)})` : String(e.message);
  return new AppError(codes[e.status] ?? 'INVALID_REQUEST', message, { cause: err });
}

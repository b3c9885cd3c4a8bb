import { type ERROR_CODES, type ErrorCode, errorCodeInfo } from './errorCodes.js';

/**
 * The one error type of the service. Every failure that reaches a client, a job's
 * event stream or a log goes through an `AppError`, so that it has a stable `code`
 * a client can branch on, the HTTP `status` it maps to, and a flag saying whether
 * its message may be shown as is (it never may when it could carry internals such
 * as a stack, a SQL statement or a path outside the configured roots).
 */
export class AppError extends Error {
  /** Stable, machine-readable, SCREAMING_SNAKE_CASE identifier, listed in {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** Extra, client-safe fields merged into the error body (e.g. `retry_after`). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  /** HTTP status for this error when it ends a request, from {@link ERROR_CODES}. */
  get status(): number {
    return errorCodeInfo(this.code).status;
  }

  /** Whether `message` is safe to send to clients verbatim, from {@link ERROR_CODES}. */
  get expose(): boolean {
    return errorCodeInfo(this.code).expose;
  }
}

/** 400: a parameter, query or body field is invalid. */
export function invalidRequest(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('INVALID_REQUEST', message, { details });
}

/** 404: the id does not name anything we have. */
export function notFound(what: string, id: string | number): AppError {
  return new AppError('NOT_FOUND', `${what} ${JSON.stringify(id)} not found`);
}

/** 403: a path outside `INGEST_ROOTS`. */
export function forbiddenPath(message: string): AppError {
  return new AppError('PATH_FORBIDDEN', message);
}

/** 409: the request conflicts with the current state (e.g. deleting a dataset being ingested). */
export function conflict(message: string): AppError {
  return new AppError('CONFLICT', message);
}

/**
 * 422: the annotation file is not valid COCO. The message names the file, the
 * record and the field (`annotations[17].bbox: expected 4 numbers`).
 */
export function invalidAnnotations(message: string): AppError {
  return new AppError('INVALID_ANNOTATION_FILE', message);
}

/** The job was cancelled (by `DELETE /jobs/{id}` or at shutdown). */
export function cancelled(reason = 'cancelled'): AppError {
  return new AppError('CANCELLED', reason);
}

/** Turns anything thrown into an `AppError`, keeping the original as `cause`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isAbortError(err)) return cancelled();
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('INTERNAL', message, { cause: err });
}

/** An error named `AbortError`, as `AbortSignal`-aware APIs throw, with what aborted as its cause. */
export function abortError(message: string, cause?: unknown): Error {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.name = 'AbortError';
  return err;
}

/** True for the errors `AbortSignal`-aware APIs throw when aborted. */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as { name?: unknown }).name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

/** 404: a file or object the request or the dataset names is not there. */
export function objectNotFound(location: string): AppError {
  return new AppError('OBJECT_NOT_FOUND', `${location}: not found`);
}

/** 403: the store refused to let us read it (permissions, IAM). */
export function objectForbidden(location: string, why = 'access denied'): AppError {
  return new AppError('OBJECT_FORBIDDEN', `${location}: ${why}`);
}

/** 413: larger than the service accepts for what it is. */
export function objectTooLarge(location: string, size: number, limit: number): AppError {
  return new AppError('OBJECT_TOO_LARGE', `${location}: ${size} bytes is more than the limit of ${limit}`);
}

/** 502: the store failed to answer, after retries. The message says why, never credentials. */
export function objectReadFailed(location: string, why: string, cause?: unknown): AppError {
  return new AppError('OBJECT_READ_FAILED', `${location}: ${why}`, { cause });
}

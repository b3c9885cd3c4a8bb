import { fromDatabase } from '../db/databaseErrors.js';
import { type AppError, toAppError } from '../errors.js';
import type { JobFailure } from './JobKind.js';

/**
 * How a job ended, from what its work threw: `cancelled` when its signal was
 * aborted with a `CANCELLED` reason, else `failed`; the message as stored and
 * sent, hidden behind a generic one when the code says it may carry internals.
 */
export function jobFailure(thrown: unknown, signal: AbortSignal): { status: 'failed' | 'cancelled'; failure: JobFailure; error: AppError } {
  const cause = signal.aborted ? (signal.reason ?? thrown) : thrown;
  // A job whose connection met the database while a failed checkpoint was being repaired: its work is rolled back, and a retry works.
  const error = fromDatabase(cause) ?? toAppError(cause);
  const message = error.expose ? error.message : `internal error (${error.code}); see the service log`;
  return { status: error.code === 'CANCELLED' ? 'cancelled' : 'failed', failure: { code: error.code, message }, error };
}

import { AppError } from '../errors.js';

/**
 * Whether DuckDB says the attached database is out of use in a way that
 * attaching it again mends: invalidated by a failed checkpoint, or detached
 * for the moment it takes to attach it again (`Checkpointer`). Not a FATAL
 * error, which invalidates the whole instance ("must be restarted"): detaching
 * and attaching on such an instance is not safe.
 */
export function isInvalidated(err: unknown): boolean {
  const message = messageOf(err);
  return !FATAL.test(message) && /checkpoint(ing)? failed|autocheckpoint failed|Catalog "[^"]*" does not exist/i.test(message);
}

/** DuckDB's word for an error that ended the whole instance: nothing but a restart mends it. */
const FATAL = /FATAL Error|must be restarted/i;

/** The error a request or a job gets when it met the database while it was out of use: 503, worth retrying. */
export function recoveringError(cause: unknown): AppError {
  return new AppError('DATABASE_RECOVERING', 'the database failed a checkpoint and is being attached again (every commit is kept); retry in a moment', {
    cause,
    details: { retry_after: 1 },
  });
}

/**
 * How DuckDB's messages say it could not get memory within its
 * `memory_limit`: an `Out of Memory Error`, or a commit that failed to pin or
 * allocate a block, wherever they are wrapped.
 */
const OUT_OF_MEMORY = /(?:Out of Memory Error: |Failed to commit: )((?:failed to pin|could not allocate|failed to allocate)[^\n]*)/;

/**
 * What a DuckDB failure that is not a bug means to a client: the database out
 * of use for a moment ({@link recoveringError}), or out of its `memory_limit`
 * (several jobs holding large records at once: nothing was written, and a
 * retry with fewer jobs, or a larger `DUCKDB_MEMORY_LIMIT`, works); null for
 * any other error.
 */
export function fromDatabase(err: unknown): AppError | null {
  // Already the service's own error, whatever its message quotes.
  if (err instanceof AppError) return null;
  const message = messageOf(err);
  // A FATAL error ended the whole instance: no retry works until the service restarts, so it stays an internal error.
  if (FATAL.test(message)) return null;
  if (isInvalidated(err)) return recoveringError(err);
  const memory = OUT_OF_MEMORY.exec(message);
  if (memory !== null) {
    return new AppError(
      'DATABASE_OUT_OF_MEMORY',
      `the database ran out of its memory limit (DUCKDB_MEMORY_LIMIT) and wrote nothing: ${memory[1]}; retry when fewer jobs run, or raise DUCKDB_MEMORY_LIMIT`,
      { cause: err, details: { retry_after: 5 } },
    );
  }
  return null;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { expect } from 'chai';
import { fromDatabase, isInvalidated } from '../../src/db/databaseErrors.js';
import { AppError } from '../../src/errors.js';

// DuckDB's own messages, as the service logged them under a 128 MB memory_limit.
const CHECKPOINT_INVALIDATED =
  'IO Error: Checkpoint failed for database "coco". The database has been invalidated. Original error: could not allocate block of size 10.0 MiB (120.8 MiB/122.0 MiB used)\n\nPossible solutions:\n* Reducing the number of threads (SET threads=X)';
const STILL_INVALIDATED =
  'IO Error: Database "coco" has been invalidated because checkpointing failed. Detach and reattach it before using it again. Original error: could not allocate block of size 10.0 MiB (120.8 MiB/122.0 MiB used)';
const DETACHED = 'Binder Error: Catalog "coco" does not exist!';
const OUT_OF_MEMORY =
  'Out of Memory Error: failed to pin block of size 256.0 KiB (122.0 MiB/122.0 MiB used)\n\nPossible solutions:\n* Reducing the number of threads (SET threads=X)';
const COMMIT_OUT_OF_MEMORY =
  'TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB (121.9 MiB/122.0 MiB used)\n\nPossible solutions:';
const FATAL =
  'FATAL Error: Failed: database has been invalidated because of a previous fatal error. The database must be restarted prior to being used again.\nOriginal error: "Failed to rollback transaction. Cannot continue operation.\nError: Out of Memory Error: failed to pin block of size 256.0 KiB (126.8 MiB/122.0 MiB used)';

describe('databaseErrors', () => {
  it('takes a checkpoint that invalidated the database, and the moment it is detached, for states that attaching it again mends', () => {
    expect([CHECKPOINT_INVALIDATED, STILL_INVALIDATED, DETACHED].map((m) => isInvalidated(new Error(m)))).to.deep.equal([true, true, true]);
  });

  it('leaves a FATAL error, which ends the whole instance, and any other error alone', () => {
    expect([FATAL, OUT_OF_MEMORY, 'Constraint Error: Duplicate key'].map((m) => isInvalidated(new Error(m)))).to.deep.equal([false, false, false]);
    expect(fromDatabase(new Error(FATAL))).to.equal(null);
    expect(fromDatabase(new Error('Constraint Error: Duplicate key'))).to.equal(null);
    // The service's own error stays as it is, whatever its message quotes.
    expect(fromDatabase(new AppError('EVALUATION_INVALID', `a record: ${OUT_OF_MEMORY}`))).to.equal(null);
  });

  it('answers 503 DATABASE_RECOVERING, retry after a second, while the database is attached again', () => {
    const error = fromDatabase(new Error(DETACHED))!;
    expect([error.code, error.status, error.expose, error.details]).to.deep.equal(['DATABASE_RECOVERING', 503, true, { retry_after: 1 }]);
  });

  it("answers 503 DATABASE_OUT_OF_MEMORY with DuckDB's figures and the setting to raise, however DuckDB wraps it", () => {
    const said = (used: string) =>
      `the database ran out of its memory limit (DUCKDB_MEMORY_LIMIT) and wrote nothing: failed to pin block of size 256.0 KiB (${used} MiB/122.0 MiB used); retry when fewer jobs run, or raise DUCKDB_MEMORY_LIMIT`;
    for (const [message, used] of [
      [OUT_OF_MEMORY, '122.0'],
      [COMMIT_OUT_OF_MEMORY, '121.9'],
    ] as const) {
      const error = fromDatabase(new Error(message))!;
      expect([error.code, error.status, error.details, error.message]).to.deep.equal(['DATABASE_OUT_OF_MEMORY', 503, { retry_after: 5 }, said(used)]);
    }
  });
});

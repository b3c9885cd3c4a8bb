import { AppError } from '../errors.js';

/**
 * Images in a row whose store failed (no answer, errors after retries, access
 * refused) before a job that reads images (an ingest's thumbnail stage, the
 * hash job) stops with `IMAGE_SOURCE_UNAVAILABLE` rather than recording every
 * remaining image as unreadable, one timeout at a time: 32. A dataset with a
 * few broken files never has that many in a row; a bucket that went away does.
 */
export const MAX_STORE_FAILURES_IN_ROW = 32;

/** An image read's outcome, as far as the streak looks at it. */
type ReadOutcome = { ok: true } | { ok: false; message: string; storeFailed?: boolean };

/**
 * Counts the images in a row whose store failed, in the order their reads
 * settle; any other outcome (a read, or a failure of the image itself) ends
 * the run.
 */
export class StoreFailureStreak {
  readonly #limit: number;
  #inRow = 0;

  /** @param limit default {@link MAX_STORE_FAILURES_IN_ROW} */
  constructor(limit = MAX_STORE_FAILURES_IN_ROW) {
    this.#limit = limit;
  }

  /**
   * Counts `outcome`, an image read from `source` (named in the error); the
   * `IMAGE_SOURCE_UNAVAILABLE` error once the run reaches the limit, else null.
   */
  record(outcome: ReadOutcome, source: string): AppError | null {
    if (outcome.ok || outcome.storeFailed !== true) {
      this.#inRow = 0;
      return null;
    }
    this.#inRow++;
    if (this.#inRow < this.#limit) return null;
    return new AppError('IMAGE_SOURCE_UNAVAILABLE', `${this.#inRow} images in a row could not be read from ${source}; the last: ${outcome.message}`);
  }
}

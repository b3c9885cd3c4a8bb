/**
 * Images in a row whose store failed (no answer, errors after retries, access
 * refused) before a job that reads images (an ingest's thumbnail stage, the
 * hash job) stops with `IMAGE_SOURCE_UNAVAILABLE` rather than recording every
 * remaining image as unreadable, one timeout at a time: 32. A dataset with a
 * few broken files never has that many in a row; a bucket that went away does.
 */
export const MAX_STORE_FAILURES_IN_ROW = 32;

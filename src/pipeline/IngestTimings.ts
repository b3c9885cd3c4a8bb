/**
 * Where an ingest's main-thread time goes, in milliseconds: `read` (reading,
 * scanning and parsing the file, validating records), `store` (appending rows
 * and handing out tasks), `backpressure` (the parser waiting for the workers).
 * Timed per batch, not per record: a clock read per record would cost more
 * than some of the work it times.
 */
export class IngestTimings {
  read = 0;
  store = 0;
  backpressure = 0;

  /** Times one pull from the reader. */
  async reading<T>(pull: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await pull();
    } finally {
      this.read += performance.now() - start;
    }
  }

  /** Times one batch's handling, of which `waited()` ms were spent waiting for the workers. */
  async storing(handle: () => Promise<number>): Promise<void> {
    const start = performance.now();
    const waited = await handle();
    this.backpressure += waited;
    this.store += performance.now() - start - waited;
  }
}

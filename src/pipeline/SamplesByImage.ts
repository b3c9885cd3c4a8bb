import type { NumericRows } from '../db/NumericRows.js';

/**
 * A dataset's sample for each image id, looked up as a prediction set's
 * results are appended: the pairs as read, sorted by image id (16 bytes an
 * image, 16 MB at 1M images), searched by halves. Not an `UPDATE` of every result's
 * `sample_id` before the commit: at millions of results DuckDB keeps update
 * records of each row inside the transaction, which outgrow its
 * `memory_limit` and spill (see docs/performance.md, "Loading a large
 * prediction set").
 */
export class SamplesByImage {
  /** Image id and sample id, one pair after another, in image id order: the rows as read, not copied. */
  readonly #pairs: Float64Array;

  /** `rows`: image id and sample id, one row each, in image id order (`IngestRepository.samplesByImage`). */
  constructor(rows: NumericRows) {
    if (rows.stride !== 2) throw new Error(`samples by image need 2 numeric columns, not ${rows.stride}`);
    const pairs = rows.values;
    for (let i = 1; i < rows.rowCount; i++) {
      if (!(pairs[2 * i]! > pairs[2 * i - 2]!)) throw new Error(`samples by image must come in increasing image id order (row ${i})`);
    }
    this.#pairs = pairs;
  }

  /** The sample with image id `imageId`; null when the dataset has none. */
  sampleOf(imageId: number): number | null {
    const pairs = this.#pairs;
    let low = 0;
    let high = pairs.length / 2 - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const id = pairs[2 * mid]!;
      if (id < imageId) low = mid + 1;
      else if (id > imageId) high = mid - 1;
      else return pairs[2 * mid + 1]!;
    }
    return null;
  }
}

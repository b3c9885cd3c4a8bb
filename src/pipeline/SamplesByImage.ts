import type { NumericRows } from '../db/NumericRows.js';

/**
 * A dataset's sample for each image id, looked up as a prediction set's
 * results are appended: two sorted typed arrays (16 bytes an image, 16 MB at
 * 1M images) searched by halves. Not an `UPDATE` of every result's
 * `sample_id` before the commit: at millions of results DuckDB keeps update
 * records of each row inside the transaction, which outgrow its
 * `memory_limit` and spill (see docs/performance.md, "Loading a large
 * prediction set").
 */
export class SamplesByImage {
  readonly #imageIds: Float64Array;
  readonly #sampleIds: Float64Array;

  /** `rows`: image id and sample id, one row each, in image id order (`IngestRepository.samplesByImage`). */
  constructor(rows: NumericRows) {
    if (rows.stride !== 2) throw new Error(`samples by image need 2 numeric columns, not ${rows.stride}`);
    const n = rows.rowCount;
    this.#imageIds = new Float64Array(n);
    this.#sampleIds = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.#imageIds[i] = rows.values[2 * i]!;
      this.#sampleIds[i] = rows.values[2 * i + 1]!;
      if (i > 0 && !(this.#imageIds[i]! > this.#imageIds[i - 1]!)) throw new Error(`samples by image must come in increasing image id order (row ${i})`);
    }
  }

  /** The sample with image id `imageId`; null when the dataset has none. */
  sampleOf(imageId: number): number | null {
    const ids = this.#imageIds;
    let low = 0;
    let high = ids.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const id = ids[mid]!;
      if (id < imageId) low = mid + 1;
      else if (id > imageId) high = mid - 1;
      else return this.#sampleIds[mid]!;
    }
    return null;
  }
}

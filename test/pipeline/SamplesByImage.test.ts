import { expect } from 'chai';
import fc from 'fast-check';
import type { NumericRows } from '../../src/db/NumericRows.js';
import { SamplesByImage } from '../../src/pipeline/SamplesByImage.js';

/** Rows as `IngestRepository.samplesByImage` reads them: image id, sample id. */
function rowsOf(pairs: [number, number][]): NumericRows {
  return { rowCount: pairs.length, stride: 2, values: Float64Array.from(pairs.flat()), text: [] };
}

describe('SamplesByImage', () => {
  it('finds the sample of every image id it was given, and none for any other', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.maxSafeInteger(), { maxLength: 200 }), fc.array(fc.maxSafeInteger(), { maxLength: 50 }), (imageIds, others) => {
        const sorted = [...imageIds].sort((a, b) => a - b);
        const expected = new Map(sorted.map((id, i) => [id, 1000 + i]));
        const samples = new SamplesByImage(rowsOf(sorted.map((id) => [id, expected.get(id)!])));
        for (const id of [...sorted, ...others]) expect(samples.sampleOf(id)).to.equal(expected.get(id) ?? null);
      }),
    );
  });

  it('has no sample for any image of a dataset without images', () => {
    expect(new SamplesByImage(rowsOf([])).sampleOf(1)).to.equal(null);
  });

  it('refuses rows out of image id order, which it could not search', () => {
    expect(
      () =>
        new SamplesByImage(
          rowsOf([
            [5, 1],
            [3, 2],
          ]),
        ),
    ).to.throw('increasing image id order (row 1)');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { maskPixelArea } from '../../src/formats/maskPixelArea.js';

interface Encoded {
  size: [number, number];
  counts: string;
  area: number;
}

// pycocotools' mask.encode strings with its mask.area, made by fixtures/quality/makeCompressedRles.py.
const golden = JSON.parse(
  readFileSync(path.join(fileURLToPath(new URL('../../../', import.meta.url)), 'fixtures', 'quality', 'compressed_rles.json'), 'utf8'),
) as { problems: Record<string, Encoded>; masks: Record<string, Encoded> };

describe('maskPixelArea', () => {
  it("gives pycocotools' mask.area for compressed strings, long runs and negative deltas included", () => {
    const all = { ...golden.problems, ...golden.masks };
    expect(Object.keys(all)).to.have.length(6);
    for (const [name, rle] of Object.entries(all)) {
      expect(maskPixelArea({ size: rle.size, counts: rle.counts }), name).to.equal(rle.area);
    }
  });

  it('sums the odd runs of an uncompressed counts list', () => {
    expect(maskPixelArea({ size: [100, 100], counts: [0, 100, 9900] })).to.equal(100);
    expect(maskPixelArea({ size: [2, 3], counts: [1, 2, 1, 2] })).to.equal(4);
  });

  it('is null for polygons, no segmentation, and a string that is not a compressed RLE', () => {
    expect(maskPixelArea([[0, 0, 10, 0, 10, 10]])).to.equal(null);
    expect(maskPixelArea(null)).to.equal(null);
    expect(maskPixelArea({ size: [10, 10], counts: 'bad string ~' })).to.equal(null);
    expect(maskPixelArea({ size: [10, 10], counts: `0${String.fromCharCode(48 + 32)}` })).to.equal(null);
  });
});

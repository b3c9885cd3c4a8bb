import { expect } from 'chai';
import { CategoryDetections } from '../../src/evaluation/CategoryDetections.js';

/** Adds `images` images of `perImage` detections each; detection k of the whole sequence scores k and carries bits k % 65536, 2k % 65536. */
function fill(images: number, perImage: number): CategoryDetections {
  const det = new CategoryDetections(1);
  for (let i = 0; i < images; i++) {
    // Each image's detections sit in the middle of a larger batch, as a batch of several images sends them.
    const first = 3;
    const scores = new Float64Array(first + perImage + 2);
    const bits = new Uint16Array(scores.length * 2);
    for (let k = 0; k < perImage; k++) {
      const n = i * perImage + k;
      scores[first + k] = n;
      bits[(first + k) * 2] = n % 65536;
      bits[(first + k) * 2 + 1] = (2 * n) % 65536;
    }
    det.add(scores, bits, first, perImage, new Float64Array([9, 1, 9]), 1);
  }
  return det;
}

describe('CategoryDetections', () => {
  it('keeps every detection in the order added, across the growing first block and the full blocks after it', () => {
    // 40,000 detections: the first block grows from 256 to 16,384, then two more blocks follow.
    const det = fill(4000, 10);
    expect(det.length).to.equal(40_000);
    expect(det.notIgnored[0]).to.equal(4000);
    const scores = det.scores();
    expect(scores.length).to.equal(40_000);
    for (let n = 0; n < 40_000; n++) if (scores[n] !== n) expect.fail(`score ${n} is ${scores[n]}`);
  });

  it('gives each detection its rank within its image and its bits, in any order asked', () => {
    const det = fill(1100, 30);
    const order = [0, 255, 256, 257, 16_383, 16_384, 32_999, 12_345, 29].reverse();
    const { ranks, bits } = det.inOrder(order);
    expect(Array.from(ranks)).to.deep.equal(order.map((n) => n % 30));
    expect(Array.from(bits)).to.deep.equal(order.flatMap((n) => [n % 65536, (2 * n) % 65536]));
  });
});

import { expect } from 'chai';
import { lowFrequencies, PHASH_SIDE, perceptualHash } from '../../src/quality/perceptualHash.js';

/** DCT-II coefficient (u along rows, v down columns) by its textbook double sum: the reference. */
function dct(grey: number[], u: number, v: number): number {
  let sum = 0;
  for (let y = 0; y < PHASH_SIDE; y++) {
    for (let x = 0; x < PHASH_SIDE; x++) {
      sum += grey[y * PHASH_SIDE + x]! * Math.cos((Math.PI * (2 * x + 1) * u) / 64) * Math.cos((Math.PI * (2 * y + 1) * v) / 64);
    }
  }
  return sum;
}

/** A seeded pseudo-random 32x32 greyscale image (mulberry32). */
function noise(seed: number): number[] {
  let a = seed;
  return Array.from({ length: PHASH_SIDE * PHASH_SIDE }, () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 256);
  });
}

describe('the perceptual hash', () => {
  it('computes the 8x8 lowest DCT-II coefficients as the textbook double sum does', () => {
    const grey = noise(7);
    const coefficients = lowFrequencies(grey);
    for (let v = 0; v < 8; v++) {
      for (let u = 0; u < 8; u++) expect(coefficients[v * 8 + u]).to.be.closeTo(dct(grey, u, v), 1e-6);
    }
  });

  it('sets the bits of the coefficients above the median of the 63 other than DC, most significant first', () => {
    const grey = noise(11);
    const reference = Array.from({ length: 64 }, (_, i) => dct(grey, i % 8, Math.floor(i / 8)));
    const ac = reference.slice(1).sort((a, b) => a - b);
    const median = ac[31]!;
    const bits = reference.map((c) => (c > median ? '1' : '0')).join('');
    expect(
      BigInt(`0x${perceptualHash(grey)}`)
        .toString(2)
        .padStart(64, '0'),
    ).to.equal(bits);
  });

  it('has 32 bits set: the DC one and the 31 AC coefficients above their median', () => {
    for (const seed of [1, 2, 3]) {
      const ones = [...BigInt(`0x${perceptualHash(noise(seed))}`).toString(2)].filter((b) => b === '1').length;
      expect(ones).to.equal(32);
    }
  });

  it('is the same for an image made uniformly brighter', () => {
    const grey = noise(5).map((p) => p / 2);
    expect(perceptualHash(grey.map((p) => p + 40))).to.equal(perceptualHash(grey));
  });

  it('refuses pixels that are not 32x32', () => {
    expect(() => perceptualHash(new Uint8Array(100))).to.throw(RangeError, 'expected 1024 pixels, got 100');
  });
});

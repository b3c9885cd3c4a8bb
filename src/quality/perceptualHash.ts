/**
 * The side, in pixels, of the greyscale square a perceptual hash is computed
 * from: 32x32, of which the DCT's lowest 8x8 frequencies are kept.
 */
export const PHASH_SIDE = 32;

/** The side of the block of low frequencies that makes the 64 bits. */
const KEPT = 8;

/**
 * cos(pi * (2x + 1) * u / 64) for u < 8 and x < 32: the only DCT-II basis
 * values the hash needs, computed once (the full 32x32 transform is never made).
 */
const COSINES: Float64Array = (() => {
  const table = new Float64Array(KEPT * PHASH_SIDE);
  for (let u = 0; u < KEPT; u++) {
    for (let x = 0; x < PHASH_SIDE; x++) table[u * PHASH_SIDE + x] = Math.cos((Math.PI * (2 * x + 1) * u) / (2 * PHASH_SIDE));
  }
  return table;
})();

/**
 * The lowest 8x8 DCT-II coefficients (unnormalised; scaling does not change
 * which are above the median) of a 32x32 greyscale image given row by row,
 * as `coefficients[v * 8 + u]` (u along a row, v down the columns). Separable:
 * rows first, then columns, about 10,000 multiplications.
 */
export function lowFrequencies(grey: ArrayLike<number>): Float64Array {
  if (grey.length !== PHASH_SIDE * PHASH_SIDE) throw new RangeError(`perceptual hash: expected ${PHASH_SIDE * PHASH_SIDE} pixels, got ${grey.length}`);
  // rows[y * 8 + u] = sum over x of grey[y][x] * cos_u(x)
  const rows = new Float64Array(PHASH_SIDE * KEPT);
  for (let y = 0; y < PHASH_SIDE; y++) {
    for (let u = 0; u < KEPT; u++) {
      let sum = 0;
      for (let x = 0; x < PHASH_SIDE; x++) sum += grey[y * PHASH_SIDE + x]! * COSINES[u * PHASH_SIDE + x]!;
      rows[y * KEPT + u] = sum;
    }
  }
  const out = new Float64Array(KEPT * KEPT);
  for (let v = 0; v < KEPT; v++) {
    for (let u = 0; u < KEPT; u++) {
      let sum = 0;
      for (let y = 0; y < PHASH_SIDE; y++) sum += rows[y * KEPT + u]! * COSINES[v * PHASH_SIDE + y]!;
      out[v * KEPT + u] = sum;
    }
  }
  return out;
}

/**
 * A 64-bit DCT perceptual hash of a 32x32 greyscale image given row by row
 * (0-255), as 16 lowercase hex digits. Bit `63 - i` (most significant first)
 * is set when low-frequency coefficient `i` (row-major over the 8x8 block) is
 * above the median of the 63 coefficients other than the DC one. The DC term
 * (the mean brightness) is left out of the median so that brightening an
 * image does not move the threshold; its own bit is then always set for any
 * image that is not black, and carries no information, as in the classic pHash.
 * Near-identical images (resized, re-encoded, slightly cropped or brightened)
 * differ in few bits; see docs/quality.md for the measured distances.
 */
export function perceptualHash(grey: ArrayLike<number>): string {
  const coefficients = lowFrequencies(grey);
  const median = medianOf(coefficients.subarray(1));
  let bits = 0n;
  for (let i = 0; i < KEPT * KEPT; i++) {
    bits = (bits << 1n) | (coefficients[i]! > median ? 1n : 0n);
  }
  return bits.toString(16).padStart(16, '0');
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One band of a 64-bit hash: `width` bits from bit `offset` (least significant is 0). */
export interface HashBand {
  offset: number;
  width: number;
}

/**
 * Splits a 64-bit hash into `maxDistance + 1` bands of nearly equal width
 * (multi-index hashing): two hashes at most `maxDistance` bits apart cannot
 * differ in every band (pigeonhole), so they are equal in at least one, and
 * comparing only hashes equal in some band finds every pair, without comparing
 * all pairs. Fewer bits a band means more hashes share it: the cost grows fast
 * with the distance (docs/quality.md has the measurements).
 * @throws RangeError when `maxDistance` is not an integer in 0-63.
 */
export function hashBands(maxDistance: number): HashBand[] {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 63) {
    throw new RangeError(`max_distance must be an integer from 0 to 63, got ${maxDistance}`);
  }
  const count = maxDistance + 1;
  const bands: HashBand[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const width = Math.floor(64 / count) + (i < 64 % count ? 1 : 0);
    bands.push({ offset, width });
    offset += width;
  }
  return bands;
}

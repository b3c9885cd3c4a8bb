/** Below this many scores a comparison sort is faster than four radix passes over 65,536 buckets. */
const RADIX_FROM = 20_000;

/**
 * The indices of `scores` from the highest score to the lowest, equal scores
 * in index order: numpy's stable `argsort(-scores, kind='mergesort')`, as
 * COCOeval sorts a category's detections. A large category (a million
 * detections) is sorted by radix, stable by construction, in four passes of
 * 16 bits over the scores' IEEE-754 bits mapped to an order-preserving key
 * (-0 taken as 0, which numpy's comparison makes equal).
 */
export function orderByScore(scores: Float64Array): Int32Array {
  const N = scores.length;
  if (N < RADIX_FROM) return Int32Array.from(Array.from({ length: N }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!));
  let lo = new Uint32Array(N);
  let hi = new Uint32Array(N);
  const one = new Float64Array(1);
  const word = new Uint32Array(one.buffer);
  for (let i = 0; i < N; i++) {
    one[0] = scores[i]! + 0;
    // Descending: the ascending key (sign flipped, or every bit flipped for a negative) with every bit flipped.
    const h = word[1]!;
    if (h & 0x80000000) {
      hi[i] = h;
      lo[i] = word[0]!;
    } else {
      hi[i] = (h ^ 0x7fffffff) >>> 0;
      lo[i] = ~word[0]! >>> 0;
    }
  }
  let order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  let nextOrder = new Int32Array(N);
  let nextLo = new Uint32Array(N);
  let nextHi = new Uint32Array(N);
  const count = new Int32Array(1 << 16);
  for (let pass = 0; pass < 4; pass++) {
    const keys = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < N; i++) count[(keys[i]! >>> shift) & 0xffff]!++;
    // A pass whose digit is the same everywhere (the high bits of scores in [0, 1]) leaves the order as it is.
    if (count[(keys[0]! >>> shift) & 0xffff] === N) continue;
    let sum = 0;
    for (let d = 0; d < count.length; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < N; i++) {
      const at = count[(keys[i]! >>> shift) & 0xffff]!++;
      nextOrder[at] = order[i]!;
      nextLo[at] = lo[i]!;
      nextHi[at] = hi[i]!;
    }
    [order, nextOrder] = [nextOrder, order];
    [lo, nextLo] = [nextLo, lo];
    [hi, nextHi] = [nextHi, hi];
  }
  return order;
}

/** numpy's reduction buffer: a long sum is the running sum of pairwise sums of blocks this long. */
const BUFFER = 8192;
const BLOCK = 128;

/**
 * The sum numpy's `np.sum`/`np.mean` give for a contiguous float64 array:
 * blocks of 8192 (the iterator's buffer) added in order, each summed
 * pairwise (sequential below 8, eight accumulators up to 128, halves above).
 * Summing in another order changes the last bits, and COCO's means are
 * compared to the bit.
 */
export function pairwiseSum(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  for (let lo = from; lo < to; lo += BUFFER) sum += blockSum(values, lo, Math.min(BUFFER, to - lo));
  return sum;
}

function blockSum(a: ArrayLike<number>, lo: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[lo + i]!;
    return res;
  }
  if (n <= BLOCK) {
    const r = [a[lo]!, a[lo + 1]!, a[lo + 2]!, a[lo + 3]!, a[lo + 4]!, a[lo + 5]!, a[lo + 6]!, a[lo + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = r[j]! + a[lo + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[lo + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return blockSum(a, lo, n2) + blockSum(a, lo + n2, n - n2);
}

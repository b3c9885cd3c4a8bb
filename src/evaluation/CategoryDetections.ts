/** Detections per block: blocks are filled one after another, so nothing is copied as a category grows. */
const BLOCK = 1 << 14;

/**
 * One category's evaluated detections across images, in the order they were
 * added (COCOeval's concatenation order): per detection its score, its rank
 * in its image (for maxDets below the last; under 2^16) and, per area range,
 * the bits of the thresholds at which it is matched and then those at which it
 * is ignored. 8 + 2 + 4·A bytes a detection (26 for bbox and segm), in blocks
 * of 16,384 detections: no array doubles as the category grows, and at most
 * one block is partly empty.
 */
export class CategoryDetections {
  length = 0;
  /** Ground truths not ignored, per area range (`npig`). */
  readonly notIgnored: Float64Array;
  readonly #areas: number;
  readonly #scores: Float64Array[] = [];
  readonly #ranks: Uint16Array[] = [];
  /** Per detection, A matched masks then A ignored masks. */
  readonly #bits: Uint16Array[] = [];

  constructor(areas: number) {
    this.#areas = areas;
    this.notIgnored = new Float64Array(areas);
  }

  /**
   * Appends one image's detections of the category (already in score order):
   * `count` of a batch's detections from `first`, whose bits are A matched
   * masks then A ignored masks each (see `BatchMatches.bits`).
   * @param notIgnored per area range, the image's ground truths of the category not ignored
   */
  add(scores: Float64Array, bits: Uint16Array, first: number, count: number, notIgnored: ArrayLike<number>): void {
    const stride = 2 * this.#areas;
    for (let a = 0; a < this.#areas; a++) this.notIgnored[a]! += notIgnored[a]!;
    for (let d = 0; d < count; ) {
      const at = this.length % BLOCK;
      if (at === 0) {
        this.#scores.push(new Float64Array(BLOCK));
        this.#ranks.push(new Uint16Array(BLOCK));
        this.#bits.push(new Uint16Array(BLOCK * stride));
      }
      const block = this.#scores.length - 1;
      const n = Math.min(count - d, BLOCK - at);
      this.#scores[block]!.set(scores.subarray(first + d, first + d + n), at);
      this.#bits[block]!.set(bits.subarray((first + d) * stride, (first + d + n) * stride), at * stride);
      const ranks = this.#ranks[block]!;
      for (let k = 0; k < n; k++) ranks[at + k] = d + k;
      d += n;
      this.length += n;
    }
  }

  /** Every detection's score, in the order added, in one array. */
  scores(): Float64Array {
    const all = new Float64Array(this.length);
    for (let b = 0; b < this.#scores.length; b++) all.set(this.#scores[b]!.subarray(0, Math.min(BLOCK, this.length - b * BLOCK)), b * BLOCK);
    return all;
  }

  /**
   * The detections' ranks and bits in `order` (indices in the order added),
   * in arrays of their own: the accumulation then reads them front to back.
   */
  inOrder(order: ArrayLike<number>): { ranks: Uint16Array; bits: Uint16Array } {
    const stride = 2 * this.#areas;
    const ranks = new Uint16Array(order.length);
    const bits = new Uint16Array(order.length * stride);
    for (let i = 0; i < order.length; i++) {
      const j = order[i]!;
      const block = Math.floor(j / BLOCK);
      const at = j % BLOCK;
      ranks[i] = this.#ranks[block]![at]!;
      // A loop, not set(subarray()): a view per detection costs more than the copy.
      const from = this.#bits[block]!;
      for (let k = 0; k < stride; k++) bits[i * stride + k] = from[at * stride + k]!;
    }
    return { ranks, bits };
  }
}

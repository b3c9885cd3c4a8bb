/** Detections per block: blocks are filled one after another, so nothing is copied as a category grows past one block. */
const BLOCK = 1 << 14;
/**
 * The first block's size to start with; it doubles up to {@link BLOCK}. Most
 * categories hold a few hundred detections: a full block each (416 KB for
 * bbox) made a fresh service's first 80-category evaluation spend tens of
 * milliseconds faulting in pages it never used.
 */
const FIRST_BLOCK = 256;

/**
 * One category's evaluated detections across images, in the order they were
 * added (COCOeval's concatenation order): per detection its score, its rank
 * in its image (for maxDets below the last; under 2^16) and, per area range,
 * the bits of the thresholds at which it is matched and then those at which it
 * is ignored. 8 + 2 + 4·A bytes a detection (26 for bbox and segm), in blocks
 * of 16,384 detections: no array doubles as the category grows, and at most
 * one block is partly empty. The first block alone starts small and doubles
 * while it fills, so a small category holds little more than its detections.
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
   * @param notIgnored per area range, the image's ground truths of the category not ignored: A numbers from `notIgnoredAt`
   */
  add(scores: Float64Array, bits: Uint16Array, first: number, count: number, notIgnored: Float64Array, notIgnoredAt: number): void {
    const stride = 2 * this.#areas;
    for (let a = 0; a < this.#areas; a++) this.notIgnored[a]! += notIgnored[notIgnoredAt + a]!;
    // Loops, not set(subarray()): an image has a few detections of a category, and a view each costs more than copying them.
    for (let d = 0; d < count; ) {
      const at = this.length % BLOCK;
      if (at === 0) {
        const size = this.length === 0 ? FIRST_BLOCK : BLOCK;
        this.#scores.push(new Float64Array(size));
        this.#ranks.push(new Uint16Array(size));
        this.#bits.push(new Uint16Array(size * stride));
      }
      const block = this.#scores.length - 1;
      if (block === 0 && at === this.#scores[0]!.length) this.#growFirstBlock(stride);
      const n = Math.min(count - d, this.#scores[block]!.length - at);
      const toScores = this.#scores[block]!;
      const toRanks = this.#ranks[block]!;
      const toBits = this.#bits[block]!;
      for (let k = 0; k < n; k++) {
        toScores[at + k] = scores[first + d + k]!;
        toRanks[at + k] = d + k;
      }
      const from = (first + d) * stride;
      const to = at * stride;
      for (let k = 0; k < n * stride; k++) toBits[to + k] = bits[from + k]!;
      d += n;
      this.length += n;
    }
  }

  /** Doubles the first block (up to {@link BLOCK}), keeping what it holds. */
  #growFirstBlock(stride: number): void {
    const size = Math.min(BLOCK, this.#scores[0]!.length * 2);
    this.#scores[0] = enlarged(this.#scores[0]!, new Float64Array(size));
    this.#ranks[0] = enlarged(this.#ranks[0]!, new Uint16Array(size));
    this.#bits[0] = enlarged(this.#bits[0]!, new Uint16Array(size * stride));
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

/** `to`, holding `from` at its start. */
function enlarged<T extends Float64Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

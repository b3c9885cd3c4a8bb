/**
 * One category's evaluated detections across images, in the order they were
 * added (COCOeval's concatenation order): per detection its score, its rank
 * in its image (for maxDets below the last; under 2^16) and, per area range, the bits of
 * the thresholds at which it is matched and ignored. 8 + 2 + 4·A bytes a
 * detection (26 for bbox and segm), in arrays that double as they fill.
 */
export class CategoryDetections {
  length = 0;
  /** Ground truths not ignored, per area range (`npig`). */
  readonly notIgnored: Float64Array;
  scores = new Float64Array(64);
  ranks = new Uint16Array(64);
  matched: Uint16Array[];
  ignored: Uint16Array[];

  constructor(areas: number) {
    this.notIgnored = new Float64Array(areas);
    this.matched = Array.from({ length: areas }, () => new Uint16Array(64));
    this.ignored = Array.from({ length: areas }, () => new Uint16Array(64));
  }

  /**
   * Appends one image's detections of the category (already in score order):
   * `count` of a batch's detections from `first`, whose bits are A matched
   * masks then A ignored masks each (see `BatchMatches.bits`).
   * @param notIgnored per area range, the image's ground truths of the category not ignored
   */
  add(scores: Float64Array, bits: Uint16Array, first: number, count: number, notIgnored: ArrayLike<number>): void {
    const A = this.notIgnored.length;
    for (let a = 0; a < A; a++) this.notIgnored[a]! += notIgnored[a]!;
    if (this.length + count > this.scores.length) this.#grow(this.length + count);
    for (let d = 0; d < count; d++) {
      const i = this.length + d;
      this.scores[i] = scores[first + d]!;
      this.ranks[i] = d;
      const at = (first + d) * 2 * A;
      for (let a = 0; a < A; a++) {
        this.matched[a]![i] = bits[at + a]!;
        this.ignored[a]![i] = bits[at + A + a]!;
      }
    }
    this.length += count;
  }

  #grow(needed: number): void {
    let size = this.scores.length;
    while (size < needed) size *= 2;
    const scores = new Float64Array(size);
    scores.set(this.scores);
    this.scores = scores;
    const ranks = new Uint16Array(size);
    ranks.set(this.ranks);
    this.ranks = ranks;
    this.matched = this.matched.map((old) => {
      const next = new Uint16Array(size);
      next.set(old);
      return next;
    });
    this.ignored = this.ignored.map((old) => {
      const next = new Uint16Array(size);
      next.set(old);
      return next;
    });
  }
}

/**
 * A binary mask as COCO's run lengths, column-major, starting with a run of
 * zeros (maskApi.c's `RLE`). Counts are unsigned 32-bit, as in C.
 */
export interface Rle {
  /** Height in pixels. */
  h: number;
  /** Width in pixels. */
  w: number;
  counts: Uint32Array;
}

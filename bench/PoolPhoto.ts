/** A source photo that generated image files are hard links to. */
export interface PoolPhoto {
  path: string;
  /** Displayed width and height, in pixels (EXIF orientation applied), as COCO records them. */
  width: number;
  height: number;
}

/**
 * The pool photo behind generated image `id` (1-based): the pool is cycled
 * through, so that the annotation file and the image folder agree on every
 * image's dimensions without sharing any state.
 */
export function photoForImage(pool: readonly PoolPhoto[], id: number): PoolPhoto {
  return pool[(id - 1) % pool.length]!;
}

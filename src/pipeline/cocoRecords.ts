/**
 * The normalised records the COCO reader yields. Field names follow the COCO
 * format; anything a record carries beyond the known fields is kept in `extra`
 * (e.g. `coco_url`, `flickr_url`, `date_captured`, `attributes`) rather than dropped.
 */

/** One entry of `images`. */
export interface CocoImage {
  id: number;
  file_name: string;
  width: number | null;
  height: number | null;
  license: number | null;
  /** Fields beyond the known ones, or null when there are none. */
  extra: Record<string, unknown> | null;
}

/** One entry of `annotations`: instances, keypoints or captions. */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  /** Null for captions, which have no category. */
  category_id: number | null;
  /** `[x, y, width, height]`. */
  bbox: [number, number, number, number] | null;
  area: number | null;
  iscrowd: boolean;
  /** Polygons (`number[][]`) or RLE (`{size, counts}` with `counts` a list or a compressed string). */
  segmentation: unknown;
  /**
   * `segmentation`'s JSON text as it was in the file, when the reader kept it, so
   * that the writer need not serialise it again (it is most of a file's bytes).
   */
  segmentationJson?: string | null;
  /** Flat `[x1, y1, v1, x2, y2, v2, ...]`. */
  keypoints: number[] | null;
  num_keypoints: number | null;
  caption: string | null;
  extra: Record<string, unknown> | null;
}

/** One entry of `categories`. */
export interface CocoCategory {
  id: number;
  name: string;
  supercategory: string | null;
  /** Keypoint names, for person_keypoints files. */
  keypoints: string[] | null;
  /** Pairs of 1-based keypoint indices. */
  skeleton: [number, number][] | null;
  extra: Record<string, unknown> | null;
}

/** What the reader yields, in file order. `index` is the record's position in its array. */
export type CocoEvent =
  | { kind: 'info'; value: Record<string, unknown> }
  | { kind: 'licenses'; value: unknown[] }
  | { kind: 'image'; index: number; record: CocoImage }
  | { kind: 'annotation'; index: number; record: CocoAnnotation }
  | { kind: 'category'; index: number; record: CocoCategory }
  /** A top-level array finished; `count` is how many records it held. */
  | { kind: 'end'; section: CocoSection; count: number };

/** The top-level arrays that hold records. */
export type CocoSection = 'images' | 'annotations' | 'categories';

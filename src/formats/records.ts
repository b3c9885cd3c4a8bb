/**
 * The normalised records the annotation reader yields. Field names follow the
 * COCO format; anything a record carries beyond the known fields is kept in
 * `extra` (e.g. `coco_url`, `flickr_url`, `date_captured`, LVIS's
 * `neg_category_ids`) rather than dropped, so it can be given back as it was.
 */

/** One entry of `images`. */
export interface CocoImage {
  id: number;
  /** Null for LVIS images, which have only a `coco_url`. */
  file_name: string | null;
  width: number | null;
  height: number | null;
  license: number | null;
  /**
   * Where the image is read from when that is not `file_name` under the image
   * folder: a relative path (LVIS: `val2017/000000000139.jpg` from `coco_url`),
   * or null to use `file_name`. The `coco_url` itself stays in `extra`.
   */
  image_ref: string | null;
  /** Fields beyond the known ones, or null when there are none. */
  extra: Record<string, unknown> | null;
}

/** One entry of `annotations`: instances, keypoints, captions, or one segment of a panoptic image. */
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
  /**
   * An RLE segmentation's pixel area, compressed or not, worked out at ingest
   * (see `maskPixelArea`); null or absent otherwise.
   */
  mask_area?: number | null;
  /**
   * The annotation checks it fails alone (`annotationCheckFlags`), when worked
   * out before its parsed segmentation was dropped (a parse worker does); absent
   * otherwise, and then worked out as it is stored.
   */
  check_flags?: number;
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

/** One entry of a panoptic file's `segments_info`. */
export interface PanopticSegment {
  /** The segment's colour in the PNG: R + 256·G + 256²·B. Unique within its image. */
  id: number;
  category_id: number;
  iscrowd: boolean;
  bbox: [number, number, number, number] | null;
  area: number | null;
  extra: Record<string, unknown> | null;
}

/** One entry of a panoptic file's `annotations`: an image's PNG and its segments. */
export interface PanopticRecord {
  image_id: number;
  /** The PNG of the image's segments, in the mask folder. */
  file_name: string;
  segments_info: PanopticSegment[];
  extra: Record<string, unknown> | null;
}

/** One element of a COCO results file: a model's detection, keypoints or caption for an image. */
export interface CocoResult {
  /** The result's own id, when the file gives one (pycocotools numbers them otherwise). */
  id: number | null;
  image_id: number;
  /** Null for captions. */
  category_id: number | null;
  /** Null for captions. */
  score: number | null;
  bbox: [number, number, number, number] | null;
  area: number | null;
  segmentation: unknown;
  segmentationJson?: string | null;
  keypoints: number[] | null;
  caption: string | null;
  extra: Record<string, unknown> | null;
}

/** A record event: one element of a record array, normalised, with its position in the array. */
export type RecordEvent =
  | { kind: 'image'; index: number; record: CocoImage }
  | { kind: 'annotation'; index: number; record: CocoAnnotation }
  | { kind: 'category'; index: number; record: CocoCategory }
  | { kind: 'panoptic'; index: number; record: PanopticRecord }
  | { kind: 'result'; index: number; record: CocoResult };

/** What the reader yields, in file order. */
export type CocoEvent =
  | RecordEvent
  | { kind: 'info'; value: Record<string, unknown> }
  | { kind: 'licenses'; value: unknown[] }
  /** A record array finished; `count` is how many records it held. */
  | { kind: 'end'; section: CocoSection; count: number };

/**
 * A record array, by its top-level key; `results` is the top-level array of a
 * results file, which has no key.
 */
export type CocoSection = 'images' | 'annotations' | 'categories' | 'results';

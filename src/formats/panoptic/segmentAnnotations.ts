import type { CocoAnnotation, PanopticRecord } from '../records.js';

/** One segment's mask as COCO's compressed RLE: `size` is `[height, width]`. */
export interface SegmentMask {
  size: [number, number];
  counts: string;
}

/** A mask as the worker cut it, with its pixel count (which it counted while cutting). */
export interface CutSegmentMask extends SegmentMask {
  area: number;
}

/**
 * A panoptic image's segments as annotations: each keeps its id (its colour
 * in the PNG), category, box, area and `iscrowd`, with its mask cut from the
 * PNG as the segmentation (null when the mask could not be cut: `masks` is
 * shorter, or empty), and the mask's pixel count as `mask_area`.
 */
export function segmentAnnotations(record: PanopticRecord, masks: readonly (CutSegmentMask | null)[]): CocoAnnotation[] {
  return record.segments_info.map((segment, k) => {
    const cut = masks[k] ?? null;
    const mask: SegmentMask | null = cut === null ? null : { size: cut.size, counts: cut.counts };
    return {
      id: segment.id,
      image_id: record.image_id,
      category_id: segment.category_id,
      bbox: segment.bbox,
      area: segment.area,
      iscrowd: segment.iscrowd,
      segmentation: mask,
      segmentationJson: mask === null ? null : `{"size":[${mask.size[0]},${mask.size[1]}],"counts":${JSON.stringify(mask.counts)}}`,
      mask_area: cut === null ? null : cut.area,
      keypoints: null,
      num_keypoints: null,
      caption: null,
      extra: segment.extra,
    };
  });
}

import { maskPixelArea } from '../maskPixelArea.js';
import type { CocoAnnotation, PanopticRecord } from '../records.js';

/** One segment's mask as COCO's compressed RLE: `size` is `[height, width]`. */
export interface SegmentMask {
  size: [number, number];
  counts: string;
}

/**
 * A panoptic image's segments as annotations: each keeps its id (its colour
 * in the PNG), category, box, area and `iscrowd`, with its mask cut from the
 * PNG as the segmentation (null when the mask could not be cut: `masks` is
 * shorter, or empty).
 */
export function segmentAnnotations(record: PanopticRecord, masks: readonly (SegmentMask | null)[]): CocoAnnotation[] {
  return record.segments_info.map((segment, k) => {
    const mask = masks[k] ?? null;
    return {
      id: segment.id,
      image_id: record.image_id,
      category_id: segment.category_id,
      bbox: segment.bbox,
      area: segment.area,
      iscrowd: segment.iscrowd,
      segmentation: mask,
      segmentationJson: mask === null ? null : `{"size":[${mask.size[0]},${mask.size[1]}],"counts":${JSON.stringify(mask.counts)}}`,
      mask_area: maskPixelArea(mask),
      keypoints: null,
      num_keypoints: null,
      caption: null,
      extra: segment.extra,
    };
  });
}

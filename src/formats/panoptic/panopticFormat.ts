import type { AnnotationFormat } from '../AnnotationFormat.js';
import { cocoFormat } from '../coco/cocoFormat.js';
import { normalizePanopticRecord } from './normalizePanopticRecord.js';
import { duplicatePanopticImage, unknownPanopticImage, unknownSegmentCategory } from './panopticRules.js';

/**
 * COCO panoptic segmentation (`panoptic_*.json` with a folder of PNGs): one
 * record per image naming its PNG and listing its segments; each pixel's
 * colour R + 256·G + 256²·B is the id of the segment it belongs to. Each
 * segment becomes an annotation whose mask is cut from the PNG by the worker
 * pool and kept as COCO's compressed RLE. Categories carry `isthing` and `color`.
 */
export const panopticFormat: AnnotationFormat = {
  id: 'panoptic',
  root: 'object',
  sections: {
    images: cocoFormat.sections.images!,
    annotations: (raw, index, file) => ({ kind: 'panoptic', index, record: normalizePanopticRecord(raw, index, file) }),
    categories: cocoFormat.sections.categories!,
  },
  recognises: (section, first) => section === 'annotations' && first.segments_info !== undefined,
  rules: [unknownPanopticImage, duplicatePanopticImage, unknownSegmentCategory],
  kinds: [{ name: 'panoptic', fileKind: 'panoptic', uploadPreference: 20, appendedOutOfOrder: true, segmentIds: true }],
  label: () => 'panoptic',
};

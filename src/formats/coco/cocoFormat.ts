import type { AnnotationFormat, FormatEvidence } from '../AnnotationFormat.js';
import { duplicateAnnotationId, unknownCategory, unknownImage } from './cocoRules.js';
import { normalizeAnnotation, normalizeCategory, normalizeImage } from './normalizeRecords.js';

/**
 * COCO's detection, keypoint and caption files (`instances_*`, `person_keypoints_*`,
 * `captions_*`) and its image lists (`image_info_*`, no annotations): the
 * default format of a file whose top level is an object.
 */
export const cocoFormat: AnnotationFormat = {
  id: 'coco',
  root: 'object',
  sections: {
    images: (raw, index, file) => ({ kind: 'image', index, record: normalizeImage(raw, index, file) }),
    annotations: (raw, index, file) => ({ kind: 'annotation', index, record: normalizeAnnotation(raw, index, file) }),
    categories: (raw, index, file) => ({ kind: 'category', index, record: normalizeCategory(raw, index, file) }),
  },
  rules: [unknownImage, duplicateAnnotationId, unknownCategory],
  kinds: [
    { name: 'instances', fileKind: 'instances', uploadPreference: 10 },
    { name: 'keypoints', fileKind: 'person_keypoints', uploadPreference: 30 },
    { name: 'captions', fileKind: 'captions', uploadPreference: 50, noIscrowd: true, categoriesOptional: true },
    { name: 'image_info', fileKind: 'image_info', uploadPreference: 60, noAnnotations: true },
  ],
  label: cocoLabel,
};

/** `captions`, `keypoints`, `instances`, or `image_info` for a file without annotations. */
export function cocoLabel(evidence: FormatEvidence): string {
  const annotation = evidence.first.get('annotations');
  if (!annotation) return evidence.first.has('images') ? 'image_info' : 'instances';
  if (typeof annotation.caption === 'string') return 'captions';
  const category = evidence.first.get('categories');
  if (Array.isArray(annotation.keypoints) || Array.isArray(category?.keypoints)) return 'keypoints';
  return 'instances';
}

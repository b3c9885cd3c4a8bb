import type { AnnotationFormat } from '../AnnotationFormat.js';
import { cocoFormat } from '../coco/cocoFormat.js';
import { duplicateAnnotationId, unknownCategory, unknownImage } from '../coco/cocoRules.js';
import { locateLvisImage } from './locateLvisImage.js';
import { normalizeLvisImage } from './normalizeLvisImage.js';

/**
 * LVIS (v0.5, v1): COCO's layout with images known by `coco_url` instead of
 * `file_name`, negative and not-exhaustive category lists on images, and
 * categories with `synset`, `synonyms`, `def`, `frequency`, `image_count` and
 * `instance_count` (kept as the category's fields). Annotations read as COCO's
 * (a missing `iscrowd` is 0), so an LVIS file that lists its annotations before
 * its images is recognised late without reading anything twice.
 */
export const lvisFormat: AnnotationFormat = {
  id: 'lvis',
  root: 'object',
  sections: {
    images: (raw, index, file) => ({ kind: 'image', index, record: normalizeLvisImage(raw, index, file) }),
    annotations: cocoFormat.sections.annotations!,
    categories: cocoFormat.sections.categories!,
  },
  recognises(section, first) {
    if (section === 'images') {
      return (first.file_name === undefined && first.coco_url !== undefined) || Array.isArray(first.neg_category_ids);
    }
    return section === 'categories' && typeof first.synset === 'string';
  },
  rules: [unknownImage, duplicateAnnotationId, unknownCategory],
  kinds: [{ name: 'lvis', fileKind: 'lvis', uploadPreference: 40, noIscrowd: true }],
  label: () => 'lvis',
  locateImage: locateLvisImage,
};

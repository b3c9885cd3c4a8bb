import type { AnnotationFormat } from './AnnotationFormat.js';
import { cocoFormat } from './coco/cocoFormat.js';
import { lvisFormat } from './lvis/lvisFormat.js';
import { panopticFormat } from './panoptic/panopticFormat.js';
import { resultsFormat } from './results/resultsFormat.js';

/**
 * The annotation formats the reader knows, most specific first: a format that
 * recognises a record array's first element wins over its root kind's default
 * (the one without `recognises`). Adding a format is a folder and a line here.
 */
export const ANNOTATION_FORMATS: readonly AnnotationFormat[] = [
  panopticFormat,
  lvisFormat,
  cocoFormat,
  resultsFormat,
];

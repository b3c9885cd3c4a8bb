import type { AnnotationFormat, SplitKind } from './AnnotationFormat.js';
import { cocoFormat } from './coco/cocoFormat.js';
import { lvisFormat } from './lvis/lvisFormat.js';
import { panopticFormat } from './panoptic/panopticFormat.js';
import { resultsFormat } from './results/resultsFormat.js';

/**
 * The annotation formats the reader knows, most specific first: a format that
 * recognises a record array's first element wins over its root kind's default
 * (the one without `recognises`). Adding a format is a folder and a line here.
 */
export const ANNOTATION_FORMATS: readonly AnnotationFormat[] = [panopticFormat, lvisFormat, cocoFormat, resultsFormat];

/** Every kind of split, by name. */
const SPLIT_KINDS = new Map(ANNOTATION_FORMATS.flatMap((f) => f.kinds.map((k) => [k.name, k] as const)));

/**
 * The kind of split called `name` (a split's stored `format`); undefined for
 * a name no format reads (a database of another build), which then has no
 * trait of any kind.
 */
export function splitKind(name: string): SplitKind | undefined {
  return SPLIT_KINDS.get(name);
}

/**
 * The `<kind>`s of COCO's archive file names, most preferred first (see
 * {@link SplitKind.uploadPreference}).
 */
export const ARCHIVE_KIND_PREFERENCE: readonly string[] = [...SPLIT_KINDS.values()]
  .filter((k) => k.fileKind !== undefined)
  .sort((a, b) => (a.uploadPreference ?? Infinity) - (b.uploadPreference ?? Infinity))
  .map((k) => k.fileKind!);

import type { CocoSection, RecordEvent } from './records.js';

/** What a split says it was, in the `complete` event and in `GET /datasets/{id}`. */
export type FormatName = 'instances' | 'keypoints' | 'captions' | 'panoptic' | 'image_info' | 'lvis' | 'results';

/** Reads one element of a record array: validates and normalises it into its event. */
export type RecordReader = (raw: unknown, index: number, file: string) => RecordEvent;

/** What the reader saw of a file: the record arrays it held and the first record of each. */
export interface FormatEvidence {
  /** The first element of each record array met, as parsed. */
  readonly first: ReadonlyMap<CocoSection, Record<string, unknown>>;
}

/**
 * A rule only the whole file can check (a reference to an image or a category
 * that may come later in the file, a duplicate id), applied to the rows of one
 * ingest before they commit.
 */
export interface WholeFileRule {
  /** The table the offending rows are in. */
  table: 'samples' | 'annotations' | 'predictions';
  /** The section their records came from, for `on_invalid: "skip"` counts. */
  section: CocoSection;
  /**
   * A query selecting the offending rows (`id`, `record_index`, and what
   * {@link describe} needs) of this ingest (`job_id = ?`, the one parameter),
   * or null when there is nothing to check.
   */
  violations(scope: RuleScope): string | null;
  /** The message naming one offending record. */
  describe(row: Record<string, unknown>, scope: RuleScope): string;
}

/** What a rule knows about the ingest it checks. */
export interface RuleScope {
  /** The annotation file's label in messages. */
  file: string;
  /** Category ids of the dataset, those already stored and this file's. */
  knownCategories: ReadonlySet<number>;
  /** Categories this file itself holds. */
  fileCategories: number;
}

/**
 * One annotation format: how it is recognised, which record arrays it has and
 * how their elements are read, what only the whole file can tell, and what a
 * split of it is called. A format is one folder under `src/formats/` and one
 * line in {@link ANNOTATION_FORMATS}.
 *
 * Formats of one root kind share the readers of the record arrays they do not
 * own (an LVIS file's annotations read as COCO's do), which is what lets the
 * reader settle the format as late as a record array's first element: an LVIS
 * file may hold its `annotations` before the `images` that give it away.
 */
export interface AnnotationFormat {
  /** The folder's name, for messages. */
  readonly id: string;
  /** An object of record arrays (COCO and its kin), or a bare array of records (results). */
  readonly root: 'object' | 'array';
  /** Readers by record array; the root array of an `array` format is `results`. */
  readonly sections: Partial<Record<CocoSection, RecordReader>>;
  /**
   * Whether the first element of a record array marks a file of this format
   * (`segments_info` in an annotation: panoptic). The format of a root kind with
   * no `recognises` is its default.
   */
  recognises?(section: CocoSection, first: Record<string, unknown>): boolean;
  /** The rules checked before commit. */
  readonly rules: readonly WholeFileRule[];
  /** What a split read in this format is called. */
  label(evidence: FormatEvidence): FormatName;
}

import type { CocoSection, RecordEvent } from './records.js';

/**
 * One kind of split a format reads (`instances`, `keypoints`, `captions`,
 * `image_info`, `panoptic`, `lvis`, `results`): its name, said as the split's
 * `format` in the `complete` event and in `GET /datasets/{id}`, and what the
 * code outside `src/formats/` needs to know of it. Every flag defaults to false.
 */
export interface SplitKind {
  /** What a split of this kind is called. */
  readonly name: string;
  /**
   * The `<kind>` of COCO's archive file names (`annotations/<kind>_<split>.json`,
   * also matching `<kind>_<more>_<split>.json`), when uploads hold this kind;
   * default none (results are never a split of an upload).
   */
  readonly fileKind?: string;
  /**
   * When one split of an upload has several annotation files, the one whose
   * kind has the lowest preference is ingested: the kinds that carry the most
   * first (instances 10, panoptic 20, keypoints 30, LVIS 40, captions 50, image
   * lists 60). Kinds without one, and files of no known kind, come last.
   */
  readonly uploadPreference?: number;
  /** Its files have no `iscrowd` on annotations (COCO captions, LVIS): an export leaves it out again. */
  readonly noIscrowd?: boolean;
  /** Its files have no `annotations` (COCO's image lists): an export of only such splits has none either. */
  readonly noAnnotations?: boolean;
  /** Its files may have no `categories` (COCO captions): an export of only such splits, of a dataset with none, has none. */
  readonly categoriesOptional?: boolean;
  /**
   * Its annotations are appended out of file order (panoptic segments, as their
   * masks are cut), so an export sorts them back.
   */
  readonly appendedOutOfOrder?: boolean;
  /** An annotation's `id` is its segment's colour in a PNG (panoptic): the API shows it as `segment_id` too. */
  readonly segmentIds?: boolean;
}

/**
 * Whether the image folder has a sub-folder of this name (asked of the
 * storage once per name and ingest).
 */
export type HasFolder = (folder: string) => Promise<boolean>;

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
   * {@link describe} needs) of this ingest (`job_id = $1`, the one parameter),
   * or null when there is nothing to check. The query text lives in the
   * format's `*RulesSql.ts`; the db layer runs it (`IngestRepository`).
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
  /**
   * The tables whose rows' COCO ids rose strictly in file order as they were
   * stored: none of them can have a duplicate id, so their duplicate-id rule
   * has nothing to look for (its grouping of every id took 2 s at 7.5M
   * annotations). Absent: none known.
   */
  risingIds?: ReadonlySet<'samples' | 'annotations'>;
}

/**
 * One annotation format: how it is recognised, which record arrays it has and
 * how their elements are read, what only the whole file can tell, what a
 * split of it is called and what the rest of the service needs to know of
 * those splits (uploads, export, image paths). A format is one folder under
 * `src/formats/` and one line in {@link ANNOTATION_FORMATS}: nothing outside
 * `src/formats/` names a format.
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
  /** The kinds of split this format reads. */
  readonly kinds: readonly SplitKind[];
  /** Which of its {@link kinds} a split read in this format is: its name. */
  label(evidence: FormatEvidence): string;
  /**
   * Where an image whose record has an `image_ref` is read from, relative to
   * the image folder; default the `image_ref` itself. A promise only when it
   * had to ask `hasFolder`.
   */
  locateImage?(imageRef: string, hasFolder: HasFolder): string | Promise<string>;
}

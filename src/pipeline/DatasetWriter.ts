import { AppendTransaction, type InTransaction } from '../db/AppendTransaction.js';
import type { Database } from '../db/Database.js';
import type { IdSequence } from '../db/IdSequence.js';
import { IngestRepository } from '../db/IngestRepository.js';
import { type AnnotationRowIn, annotationsTable } from '../db/tables/annotationsTable.js';
import { categoriesTable } from '../db/tables/categoriesTable.js';
import { type ImageFailureRowIn, imageFailuresTable } from '../db/tables/imageFailuresTable.js';
import { type PanopticRecordRowIn, panopticRecordsTable } from '../db/tables/panopticRecordsTable.js';
import { type SampleHashRowIn, sampleHashesTable } from '../db/tables/sampleHashesTable.js';
import { type SampleRowIn, samplesTable } from '../db/tables/samplesTable.js';
import type { TableAppender } from '../db/tables/TableAppender.js';
import { invalidAnnotations } from '../errors.js';
import type { WholeFileRule } from '../formats/AnnotationFormat.js';
import { duplicateImageId } from '../formats/coco/cocoRules.js';
import type { CocoAnnotation, CocoCategory, CocoImage, PanopticRecord } from '../formats/records.js';
import type { ImageHashes } from '../quality/ImageHashes.js';
import { applyWholeFileRules, type SkipHandler } from './applyWholeFileRules.js';

export type { InTransaction } from '../db/AppendTransaction.js';
export type { SkipHandler } from './applyWholeFileRules.js';

/** Where one ingest writes. */
export interface WriteTarget {
  datasetId: number;
  jobId: string;
  split: string;
  /** Label of the annotation file, used in error messages. */
  file: string;
}

/** The id sequences shared by every ingest of this process. */
export interface IdSequences {
  samples: IdSequence;
  annotations: IdSequence;
  predictions: IdSequence;
}

/** A sample as it was appended, for thumbnail tasks and plugins. */
export interface WrittenSample {
  id: number;
  cocoId: number;
  /** Where its image is read from, relative to the image folder or absolute (a URL). */
  location: string;
  fileName: string | null;
  width: number | null;
  height: number | null;
}

/** A sample met so far in the file: its id and its image's size from the record. */
export interface SampleRef {
  id: number;
  width: number | null;
  height: number | null;
}

/** A failed image, recorded with the sample. */
export interface ImageFailure {
  sampleId: number;
  code: string;
  message: string;
}

/**
 * The single writer of one ingest: appends samples, annotations, panoptic
 * records and image failures through their table mappings inside one
 * transaction, applies the format's whole-file rules, and commits everything
 * together with the job's own rows, or rolls it all back.
 */
export class DatasetWriter {
  readonly target: WriteTarget;
  readonly #tx: AppendTransaction;
  readonly #ids: IdSequences;
  readonly #samples: TableAppender<SampleRowIn>;
  readonly #annotations: TableAppender<AnnotationRowIn>;
  readonly #failures: TableAppender<ImageFailureRowIn>;
  readonly #panoptic: TableAppender<PanopticRecordRowIn>;
  readonly #hashes: TableAppender<SampleHashRowIn>;
  /**
   * Samples by COCO image id, kept only when asked for ({@link keepSizes}: a
   * panoptic file's PNGs are checked against their images). Otherwise nothing is
   * kept per image: annotations name their image by id and the whole-file rules
   * check the ids in SQL, so memory does not grow with the number of images.
   */
  #byCocoId: Map<number, SampleRef> | null = null;
  readonly #categories = new Map<number, { record: CocoCategory; index: number }>();
  /** Set by {@link skipInvalid}: records that break a rule are skipped instead of failing the ingest. */
  #onSkip: SkipHandler | null = null;
  #checkedRules: readonly WholeFileRule[] | null = null;
  #existingCategories = new Set<number>();
  readonly #annotationRow: AnnotationRowIn;
  readonly #sampleRow: SampleRowIn;
  #imageCount = 0;
  #annotationCount = 0;
  /** The last COCO id stored of each table, and whether each rose strictly so far (see `RuleScope.risingIds`). */
  #lastImageId = Number.NEGATIVE_INFINITY;
  #lastAnnotationId = Number.NEGATIVE_INFINITY;
  readonly #risingIds = new Set<'samples' | 'annotations'>(['samples', 'annotations']);

  private constructor(tx: AppendTransaction, target: WriteTarget, ids: IdSequences, appenders: Appenders) {
    this.#tx = tx;
    this.target = target;
    this.#sampleRow = { id: 0, datasetId: target.datasetId, jobId: target.jobId, split: target.split, recordIndex: 0, record: null as unknown as CocoImage };
    this.#annotationRow = { id: 0, datasetId: target.datasetId, jobId: target.jobId, recordIndex: 0, record: null as unknown as CocoAnnotation };
    this.#ids = ids;
    this.#samples = appenders.samples;
    this.#annotations = appenders.annotations;
    this.#failures = appenders.failures;
    this.#panoptic = appenders.panoptic;
    this.#hashes = appenders.hashes;
  }

  /** Opens a connection and a transaction for one ingest. Call {@link close} in `finally`. */
  static async begin(db: Database, target: WriteTarget, ids: IdSequences): Promise<DatasetWriter> {
    return AppendTransaction.begin(
      db,
      async (tx) => {
        const appenders: Appenders = {
          samples: await tx.appender(samplesTable),
          annotations: await tx.appender(annotationsTable),
          failures: await tx.appender(imageFailuresTable),
          panoptic: await tx.appender(panopticRecordsTable),
          hashes: await tx.appender(sampleHashesTable),
        };
        return new DatasetWriter(tx, target, ids, appenders);
      },
      { deferFlushes: true },
    );
  }

  /** Skips records that break a rule (duplicate ids, unknown references) instead of failing; each goes to `onSkip`. */
  skipInvalid(onSkip: SkipHandler): void {
    this.#onSkip = onSkip;
  }

  get imageCount(): number {
    return this.#imageCount;
  }

  get annotationCount(): number {
    return this.#annotationCount;
  }

  get categoryCount(): number {
    return this.#categories.size;
  }

  /** Keeps each image's sample and size for {@link sampleOf} (a panoptic ingest: its PNGs are checked against them). */
  keepSizes(): void {
    this.#byCocoId ??= new Map();
  }

  /** The sample of a COCO image id met so far, with its image's size; only after {@link keepSizes}. */
  sampleOf(cocoId: number): SampleRef | undefined {
    return this.#byCocoId?.get(cocoId);
  }

  /**
   * Appends an image; returns its sample. `location` is where its image is
   * read from (default its `image_ref` or `file_name`). A duplicate COCO id is
   * found at commit ({@link checkWholeFile}).
   */
  addImage(record: CocoImage, index: number, location = record.image_ref ?? record.file_name ?? ''): WrittenSample {
    const id = this.#ids.samples.next();
    if (this.#byCocoId && !this.#byCocoId.has(record.id)) this.#byCocoId.set(record.id, { id, width: record.width, height: record.height });
    const stored = location === (record.file_name ?? '') ? record : { ...record, image_ref: location };
    const row = this.#sampleRow;
    row.id = id;
    row.recordIndex = index;
    row.record = stored;
    this.#samples.append(row);
    this.#imageCount++;
    if (record.id <= this.#lastImageId) this.#risingIds.delete('samples');
    this.#lastImageId = record.id;
    return { id, cocoId: record.id, location, fileName: record.file_name, width: record.width, height: record.height };
  }

  /** Appends an annotation. It names its image by id (the image may come later in the file); the id is checked at commit. */
  addAnnotation(record: CocoAnnotation, index: number): void {
    // One row object, refilled for each annotation: a fresh one per record, millions of
    // them an ingest, measured 50 MB more heap (records promoted before they die).
    const row = this.#annotationRow;
    row.id = this.#ids.annotations.next();
    row.recordIndex = index;
    row.record = record;
    this.#annotations.append(row);
    this.#annotationCount++;
    if (record.id <= this.#lastAnnotationId) this.#risingIds.delete('annotations');
    this.#lastAnnotationId = record.id;
  }

  /**
   * Appends a panoptic image's record and its segments' annotations (made by
   * its format from the segments and their masks), all at the record's index.
   */
  addPanopticRecord(record: PanopticRecord, index: number, annotations: readonly CocoAnnotation[]): void {
    const t = this.target;
    this.#panoptic.append({ datasetId: t.datasetId, jobId: t.jobId, recordIndex: index, record });
    for (const annotation of annotations) this.addAnnotation(annotation, index);
  }

  /** Keeps a category for commit (categories are few, and may come after the annotations). */
  addCategory(record: CocoCategory, index: number): void {
    const first = this.#categories.get(record.id);
    if (first !== undefined) {
      const message = `${this.target.file}: categories[${index}].id: duplicate category id ${record.id} (first at categories[${first.index}])`;
      if (!this.#onSkip) throw invalidAnnotations(message);
      this.#onSkip('categories', message);
      return;
    }
    this.#categories.set(record.id, { record, index });
  }

  /** Records that an image (or its mask) could not be read; the sample stays, with its failure. */
  addImageFailure(failure: ImageFailure): void {
    this.#failures.append({ ...failure, datasetId: this.target.datasetId, jobId: this.target.jobId });
  }

  /** Keeps an image's hashes; they reach its sample row before the commit. */
  addHashes(sampleId: number, hashes: ImageHashes): void {
    this.#hashes.append({ sampleId, jobId: this.target.jobId, ...hashes });
  }

  /** Flushes the tables that hold a row group's worth of rows, each on a turn of the event loop of its own; call between batches. */
  flushDue(): Promise<void> {
    return this.#tx.flushDue();
  }

  /** Pushes buffered rows to DuckDB (still uncommitted). */
  flush(): Promise<void> {
    return this.#tx.flush();
  }

  /**
   * Applies the rules only the whole file can tell: first that image ids are
   * unique, then the format's `rules`. Strict, the first violation fails;
   * skipping, violations are deleted and counted. Called by {@link commit} if
   * not before; call it first to read the final counts.
   * @throws AppError `INVALID_ANNOTATION_FILE` naming the first offending record.
   */
  async checkWholeFile(rules: readonly WholeFileRule[]): Promise<void> {
    await this.flush();
    const t = this.target;
    const repository = new IngestRepository(this.#tx.conn);
    const existing = await repository.categoryIds(t.datasetId);
    this.#existingCategories = new Set(existing);
    const removed = await applyWholeFileRules(
      repository,
      t.jobId,
      [duplicateImageId, ...rules],
      {
        file: t.file,
        knownCategories: new Set([...existing, ...this.#categories.keys()]),
        fileCategories: this.#categories.size,
        risingIds: this.#risingIds,
      },
      this.#onSkip,
    );
    // A skipped duplicate's image may have failed: its failure goes with it.
    if (removed.samples) await repository.deleteOrphanFailures(t.jobId);
    this.#imageCount -= removed.samples ?? 0;
    this.#annotationCount -= removed.annotations ?? 0;
    this.#checkedRules = rules;
  }

  /**
   * Checks the whole-file rules (if not done yet), inserts the file's new
   * categories, fills the counter tables, runs `inTransaction` (the job's rows), and commits.
   * @throws AppError `INVALID_ANNOTATION_FILE` naming the first offending record.
   */
  async commit(rules: readonly WholeFileRule[], inTransaction: InTransaction): Promise<void> {
    if (this.#checkedRules !== rules) await this.checkWholeFile(rules);
    await this.flush();
    const repository = new IngestRepository(this.#tx.conn);
    await repository.moveHashesToSamples(this.target.jobId);
    await repository.keepOneFailurePerSample(this.target.jobId);
    const categories = await this.#tx.appender(categoriesTable);
    for (const { record } of this.#categories.values()) {
      if (!this.#existingCategories.has(record.id)) categories.append({ datasetId: this.target.datasetId, record });
    }
    await this.#tx.commit(async (conn) => {
      await new IngestRepository(conn).fillCounters('ingest', this.target.jobId);
      await inTransaction(conn);
    });
  }

  /** Discards everything this ingest appended. Safe to call more than once. */
  rollback(): Promise<void> {
    return this.#tx.rollback();
  }

  /** Rolls back if still open, then releases the connection. Call in `finally`. */
  close(): Promise<void> {
    return this.#tx.close();
  }
}

interface Appenders {
  samples: TableAppender<SampleRowIn>;
  annotations: TableAppender<AnnotationRowIn>;
  failures: TableAppender<ImageFailureRowIn>;
  panoptic: TableAppender<PanopticRecordRowIn>;
  hashes: TableAppender<SampleHashRowIn>;
}

import type { Database } from '../db/Database.js';
import type { RecordRunParser } from '../formats/RecordRunParser.js';
import type { IngestHooks } from '../plugins/PluginRunner.js';
import type { IngestWarning, StageOptions } from '../progress/StageProgress.js';
import type { DatasetStorage } from '../storage/DatasetStorage.js';
import type { ThumbnailStore } from '../thumbnails/ThumbnailStore.js';
import type { ThumbnailBackend } from '../workers/ThumbnailBackend.js';
import type { IdSequences, InTransaction } from './DatasetWriter.js';
import type { ImageMatcher } from './MatchDispatcher.js';
import type { SkipCounts } from './SkipReporter.js';

/** `thumbnails` in an ingest request: all images (default), none, or the first N. */
export type ThumbnailMode = 'all' | 'none' | number;

/** `on_invalid` in an ingest request: invalid records fail the ingest (default), or are skipped and counted. */
export type OnInvalid = 'fail' | 'skip';

/** One ingest: which file, where its images are, and where its rows go. */
export interface IngestRequest {
  datasetId: number;
  jobId: string;
  split: string;
  /** The annotation file: a real path or a URL, already checked against the ingest roots. */
  annotationPath: string;
  /** The image folder, a real path or a URL prefix checked against the ingest roots; null: images by their `coco_url`. */
  imageDir: string | null;
  /** The PNG folder of a panoptic file, checked against the ingest roots; null when there is none. */
  maskDir: string | null;
  thumbnails: ThumbnailMode;
  /** Default `fail`. */
  onInvalid?: OnInvalid;
  /** Whether thumbnailed images' hashes are kept. Default true. */
  hashes?: boolean;
}

/** The long-lived parts an ingest shares with every other. */
export interface IngestServices {
  db: Database;
  ids: IdSequences;
  /** Where thumbnails and masks are made. */
  pool: ThumbnailBackend;
  store: ThumbnailStore;
  /** Reads annotation files and images, from disk, a bucket or a web server. */
  storage: DatasetStorage;
  /** Image reads in flight at once per ingest (fetches ahead of the workers). */
  imageReadConcurrency: number;
  /** WebP quality of the thumbnails. */
  quality: number;
  /** WebP effort of the thumbnails, 0-6. */
  effort: number;
  /** Images above this many pixels are refused undecoded. */
  maxPixels: number;
  /**
   * Where the annotation file's records are parsed and validated off the main
   * thread (`PARSE_WORKERS`); absent or null, on the main thread. Default: none.
   */
  parser?: RecordRunParser | null;
  /** Where an evaluation's images are matched (the local pool); default none: evaluations fail. */
  matcher?: ImageMatcher;
}

/** What the job's owner gives an ingest: its plugin hooks, and the job's rows to commit with the data. */
export interface IngestJobSide {
  hooks: IngestHooks;
  /** Filled with the file's categories as they are read: the plugins' view of them. */
  categories: Map<number, string>;
  /** Writes the job's `complete` row (and the dataset's `ready`) inside the ingest's transaction. */
  commitRows: (summary: Record<string, unknown>, metadata: { info: unknown; licenses: unknown }) => InTransaction;
}

/** Options of {@link ingestDataset}. */
export interface IngestOptions extends StageOptions {
  onWarning: (warning: IngestWarning) => void;
}

/** The figures of a finished ingest: the `complete` event's data. */
export interface IngestSummary extends Record<string, unknown> {
  dataset_id: number;
  job_id: string;
  split: string;
  /** What the file was: the name of one of its format's kinds of split (`instances`, `panoptic`, ...). */
  format: string;
  image_count: number;
  annotation_count: number;
  category_count: number;
  thumbnails: { requested: number; generated: number; failed: number; bytes: number };
  /** Image and mask failures by code (`IMAGE_MISSING`, `MASK_AREA_MISMATCH`, ...). */
  failures: Record<string, number>;
  /** Invalid records skipped under `on_invalid: "skip"`, by section (all 0 otherwise). */
  skipped: Omit<SkipCounts, 'results'>;
  warnings: number;
  duration_ms: number;
  images_per_second: number;
  /** Thumbnails made per second of the thumbnail stage (first task queued to last one done); 0 without thumbnails. */
  thumbnails_per_second: number;
  /**
   * Where the time went, in milliseconds. Main-thread work: `read` (reading,
   * scanning and parsing the file, validating records), `store` (appending rows),
   * `backpressure` (the parser waiting for the worker pool), then
   * `thumbnails_tail` (waiting for the last thumbnails and masks after the file
   * ended), `checks` (the whole-file rules, in SQL) and `commit` (the commit
   * itself). `thumbnails` is the thumbnail stage's own span, which overlaps the rest.
   */
  timings_ms: { read: number; store: number; backpressure: number; thumbnails: number; thumbnails_tail: number; checks: number; commit: number };
}

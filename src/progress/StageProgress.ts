/**
 * The stages of an ingest, in the order they start. `masks` (cutting a
 * panoptic file's segments from its PNGs) and `results` (a prediction set's
 * records) report only in the jobs that have them.
 */
export const STAGES = ['categories', 'images', 'annotations', 'masks', 'results', 'thumbnails'] as const;

/** The stages an upload has before the ingest of each split it holds: bytes received, then files unpacked. */
export const UPLOAD_STAGES = ['upload', 'unpack'] as const;

/** The stages of an evaluation: images matched (of the split's), then the accumulation per category. */
export const EVALUATION_STAGES = ['matching', 'accumulating'] as const;

/** The stage of the hash job (`POST /datasets/{id}/hashes`): images read for their hashes only. */
export const HASH_STAGES = ['hashes'] as const;

/** One of {@link STAGES}, {@link UPLOAD_STAGES}, {@link EVALUATION_STAGES} or {@link HASH_STAGES}. */
export type Stage = (typeof STAGES)[number] | (typeof UPLOAD_STAGES)[number] | (typeof EVALUATION_STAGES)[number] | (typeof HASH_STAGES)[number];

/** A stage update as the pipeline reports it (the job layer throttles and numbers them). */
export interface StageProgress {
  stage: Stage;
  current: number;
  /** Null while unknown (e.g. images before the `images` array has ended). */
  total: number | null;
  message: string;
  /** True on the stage's last update: it is always delivered. */
  done?: boolean;
  /** Bytes of the annotation file read so far, on parse stages. */
  bytes_read?: number;
  bytes_total?: number | null;
  /** Thumbnail stage only: how many failed so far. */
  failed?: number;
  /** In an upload, the split whose ingest this update is from. */
  split?: string;
  /** In an upload, the split's place (from 0) among `split_count` splits: the job's fraction gives each an even share. */
  split_index?: number;
  split_count?: number;
}

/**
 * What the job layer adds to every `progress` event (see `JobProgress`): how
 * far the whole job is, how long it has left, and how fast its stage goes.
 */
export interface ProgressFigures {
  /** The whole job's, from 0 to 1; never decreases, and is 1 only when the job has ended. */
  fraction: number;
  /** Seconds the job has left, smoothed; null until it can be estimated. */
  eta_seconds: number | null;
  /** The stage's `current` units (records, images, bytes, entries) per second, smoothed; null until measured. */
  rate: number | null;
}

/** A non-fatal problem worth showing on the job's stream (e.g. a plugin hook that threw). */
export interface IngestWarning {
  stage: Stage | 'plugins';
  code: string;
  message: string;
}

/** The callbacks every pipeline stage takes. */
export interface StageOptions {
  signal: AbortSignal;
  onProgress: (progress: StageProgress) => void;
}

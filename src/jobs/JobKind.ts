import type { Logger } from 'pino';
import type { UploadLimits } from '../config.js';
import type { DatasetRepository, JobRecordFields, JobRow } from '../db/DatasetRepository.js';
import type { IngestJobSide, IngestOptions, IngestServices } from '../pipeline/IngestRequest.js';
import type { PluginRunner } from '../plugins/PluginRunner.js';
import type { Stage } from '../progress/StageProgress.js';
import type { UploadFolders } from '../uploads/UploadFolders.js';
import type { ProgressPlan } from './ProgressPlan.js';

/** What every kind's request has: its tag and the dataset it works on. */
export interface JobRequestBase {
  kind: string;
  datasetId: number;
}

/** How a job ended, as stored and sent. */
export interface JobFailure {
  code: string;
  message: string;
}

/** A job as its kind's work sees it: its id, its request, and the figures of the stages run so far. */
export interface RunningJob<R extends JobRequestBase = JobRequestBase> {
  readonly id: string;
  readonly request: R;
  readonly stages: Partial<Record<Stage, { current: number }>>;
}

/** What every kind's summary (the `complete` event's data) has. */
export interface JobSummaryBase extends Record<string, unknown> {
  dataset_id: number;
  job_id: string;
  duration_ms: number;
}

/** The `complete` event's counts and sentence, and what the metrics count of a completed job. */
export interface CompleteFigures {
  current: number;
  total: number;
  message: string;
  images: number;
  annotations: number;
}

/** Where uploads go, and what they may be. */
export interface UploadPlaces {
  folders: UploadFolders;
  limits: UploadLimits;
}

/** The long-lived parts a job's work may use. */
export interface JobContext {
  services: IngestServices;
  repo: DatasetRepository;
  plugins: PluginRunner;
  /** Where uploads go and their bounds; null when the service takes none. */
  uploads: UploadPlaces | null;
  log: Logger;
}

/**
 * A kind of job, as a format is a kind of file: how its request is checked and
 * stored, what it does, and how its end is told. The scheduler knows nothing
 * of any kind beyond this; a new kind is one module and one line of
 * `jobKinds.ts`.
 */
export interface JobKind<R extends JobRequestBase = JobRequestBase, S extends JobSummaryBase = JobSummaryBase, D = R> {
  readonly name: R['kind'];
  /** The stages its progress reports, in the order they start (`GET /jobs/{id}` shows each). */
  readonly stages: readonly Stage[];
  /** How its work divides, for its events' `fraction` and `eta_seconds`. */
  progressPlan(request: R): ProgressPlan;
  /** Whether the plugins hear of its jobs (an upload's splits are heard of as ingests; the upload itself is not). */
  readonly tellsPlugins: boolean;
  /**
   * Checks the request against what is stored and completes it (an ingest into
   * no dataset makes its dataset here), before the job exists.
   * @throws AppError 404 for an unknown dataset, 409 for a name in use.
   */
  prepare(draft: D, repo: DatasetRepository): Promise<R>;
  /** What its row alone does not record, once the row is made (a prediction set, `loading`); default nothing. */
  created?(request: R, jobId: string, repo: DatasetRepository): Promise<void>;
  /** The request as its `jobs` row stores it. */
  toRecord(request: R): JobRecordFields;
  /** The request back from its row, as {@link toRecord} stored it. */
  fromRecord(row: JobRow): R;
  /** The request's own fields in the job's JSON (`GET /jobs/{id}`), the same for a live job and a stored one. */
  describe(request: R): Record<string, unknown>;
  /** Whether its jobs set their dataset's status (`ingesting`, then `ready` or the failure's). */
  ownsDataset(request: R): boolean;
  /** Its work, once the job runs: the summary, or it throws. */
  run(job: RunningJob<R>, side: IngestJobSide, context: JobContext, options: IngestOptions): Promise<S>;
  /** The `complete` event's counts and sentence. */
  summarise(summary: S): CompleteFigures;
  /**
   * A value of the job (an event, its summary, a failure) as clients see it,
   * when the kind must hide something in it (where the service keeps an
   * upload's files); default as it is.
   */
  shown?<T>(request: R, value: T, context: JobContext): T;
  /** After the job's own row says how it ended: what else its failure settles (its dataset, its prediction set, its files). */
  settleFailure(request: R, jobId: string, status: 'failed' | 'cancelled', failure: JobFailure, context: JobContext): Promise<void>;
}

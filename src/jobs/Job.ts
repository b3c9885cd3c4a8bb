import type { OnInvalid, ThumbnailMode } from '../pipeline/ingestDataset.js';
import { STAGES, UPLOAD_STAGES, type Stage, type StageProgress } from '../pipeline/progress.js';
import { JobEventLog } from './JobEventLog.js';
import { JobProgress } from './JobProgress.js';
import { planFor } from './progressPlans.js';

/** A job's lifecycle. */
export type JobStatus = 'queued' | 'running' | 'complete' | 'failed' | 'cancelled';

/**
 * What a job does: ingest a ground-truth file as a split, load a results file
 * as a prediction set, or take an uploaded archive and ingest every split in it.
 */
export type JobKind = 'ingest' | 'predictions' | 'upload';

/** What a job ingests. */
export interface JobSpec {
  id: string;
  kind: JobKind;
  datasetId: number;
  /** The split a ground-truth file becomes; for predictions, the prediction set's name. */
  split: string;
  annotationPath: string;
  /** Null: images fetched by their `coco_url` (and for predictions, which read no images). */
  imageDir: string | null;
  /** A panoptic file's PNG folder; null when none was given or found. */
  maskDir: string | null;
  thumbnails: ThumbnailMode;
  onInvalid: OnInvalid;
  /** The upload job an ingest is one split of (it commits its rows but leaves the dataset's status to the upload); default null. */
  parentId?: string | null;
}

/** A stage's latest figures, as `GET /jobs/{id}` shows them. */
export interface StageState {
  current: number;
  total: number | null;
  done: boolean;
}

/**
 * One ingest job in this process: its spec, live status and stage counts, its
 * event log, and the controller that cancels it.
 */
export class Job {
  readonly spec: JobSpec;
  readonly events = new JobEventLog();
  readonly controller = new AbortController();
  readonly createdAt = new Date();
  status: JobStatus = 'queued';
  startedAt: Date | null = null;
  finishedAt: Date | null = null;
  result: Record<string, unknown> | null = null;
  error: { code: string; message: string } | null = null;
  /** The job's stages: an ingest's, with an upload's own two before them. */
  readonly stages: Partial<Record<Stage, StageState>>;
  /** How far the whole job is, and how long it has left: the figures of its `progress` events. */
  readonly progress: JobProgress;
  /** The split the stage counts are of, in an upload. */
  #split: string | undefined;

  constructor(spec: JobSpec) {
    this.spec = spec;
    this.progress = new JobProgress(planFor(spec));
    const names = spec.kind === 'upload' ? [...UPLOAD_STAGES, ...STAGES] : STAGES;
    this.stages = Object.fromEntries(names.map((s) => [s, blank()]));
  }

  get id(): string {
    return this.spec.id;
  }

  get finished(): boolean {
    return this.status === 'complete' || this.status === 'failed' || this.status === 'cancelled';
  }

  /** Records a stage update in the job's counts (every update, throttled or not). */
  track(progress: StageProgress): void {
    this.progress.track(progress);
    if (progress.split !== this.#split) {
      // An upload's next split starts its ingest stages from zero.
      this.#split = progress.split;
      for (const stage of STAGES) this.stages[stage] = blank();
    }
    const state = (this.stages[progress.stage] ??= blank());
    state.current = progress.current;
    state.total = progress.total;
    if (progress.done) state.done = true;
  }

  /** The JSON `GET /jobs/{id}` returns. */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      kind: this.spec.kind,
      dataset_id: this.spec.datasetId,
      ...subject(this.spec),
      status: this.status,
      annotation_path: this.spec.annotationPath,
      image_dir: this.spec.imageDir,
      ...(this.spec.maskDir === null ? {} : { mask_dir: this.spec.maskDir }),
      thumbnails: this.spec.thumbnails,
      on_invalid: this.spec.onInvalid,
      created_at: this.createdAt.toISOString(),
      started_at: this.startedAt?.toISOString() ?? null,
      finished_at: this.finishedAt?.toISOString() ?? null,
      ...(this.#split === undefined ? {} : { split_in_progress: this.#split }),
      stages: this.stages,
      // As its latest progress event said; a complete job is wholly done.
      fraction: this.status === 'complete' ? 1 : this.progress.fraction,
      eta_seconds: this.finished ? null : this.progress.etaSeconds,
      result: this.result,
      error: this.error,
      events_url: `/jobs/${this.id}/events`,
    };
  }
}

const blank = (): StageState => ({ current: 0, total: null, done: false });

/** What a job works on, as its JSON names it: the split, the prediction set, or the uploaded archive. */
function subject(spec: JobSpec): Record<string, string> {
  if (spec.kind === 'predictions') return { predictions: spec.split };
  if (spec.kind === 'upload') return { archive: spec.annotationPath };
  return { split: spec.split };
}

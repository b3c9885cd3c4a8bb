import type { OnInvalid, ThumbnailMode } from '../pipeline/ingestDataset.js';
import { STAGES, type Stage, type StageProgress } from '../pipeline/progress.js';
import { JobEventLog } from './JobEventLog.js';

/** A job's lifecycle. */
export type JobStatus = 'queued' | 'running' | 'complete' | 'failed' | 'cancelled';

/** What a job does: ingest a ground-truth file as a split, or load a results file as a prediction set. */
export type JobKind = 'ingest' | 'predictions';

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
  readonly stages: Record<Stage, StageState>;

  constructor(spec: JobSpec) {
    this.spec = spec;
    this.stages = Object.fromEntries(STAGES.map((s) => [s, { current: 0, total: null, done: false }])) as Record<
      Stage,
      StageState
    >;
  }

  get id(): string {
    return this.spec.id;
  }

  get finished(): boolean {
    return this.status === 'complete' || this.status === 'failed' || this.status === 'cancelled';
  }

  /** Records a stage update in the job's counts (every update, throttled or not). */
  track(progress: StageProgress): void {
    const state = this.stages[progress.stage];
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
      ...(this.spec.kind === 'predictions' ? { predictions: this.spec.split } : { split: this.spec.split }),
      status: this.status,
      annotation_path: this.spec.annotationPath,
      image_dir: this.spec.imageDir,
      ...(this.spec.maskDir === null ? {} : { mask_dir: this.spec.maskDir }),
      thumbnails: this.spec.thumbnails,
      on_invalid: this.spec.onInvalid,
      created_at: this.createdAt.toISOString(),
      started_at: this.startedAt?.toISOString() ?? null,
      finished_at: this.finishedAt?.toISOString() ?? null,
      stages: this.stages,
      result: this.result,
      error: this.error,
      events_url: `/jobs/${this.id}/events`,
    };
  }
}

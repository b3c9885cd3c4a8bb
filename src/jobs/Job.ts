import { STAGES, type Stage, type StageProgress } from '../progress/StageProgress.js';
import { JobEventLog } from './JobEventLog.js';
import type { JobKind, JobRequestBase, JobSummaryBase } from './JobKind.js';
import { JobProgress } from './JobProgress.js';

/** A job's lifecycle. */
export type JobStatus = 'queued' | 'running' | 'complete' | 'failed' | 'cancelled';

/** What every job is, whatever its kind: its id, its kind's name and its dataset. */
export interface JobSpec {
  id: string;
  kind: string;
  datasetId: number;
}

/** A stage's latest figures, as `GET /jobs/{id}` shows them. */
export interface StageState {
  current: number;
  total: number | null;
  done: boolean;
}

/**
 * One job in this process: its kind and request, live status and stage
 * counts, its event log, and the controller that cancels it.
 */
export class Job<R extends JobRequestBase = JobRequestBase> {
  readonly spec: JobSpec;
  readonly kind: JobKind<R, JobSummaryBase, unknown>;
  /** What was asked, in the kind's own terms; an upload names its archive once a form has told it. */
  request: R;
  readonly events = new JobEventLog();
  readonly controller = new AbortController();
  readonly createdAt = new Date();
  status: JobStatus = 'queued';
  startedAt: Date | null = null;
  finishedAt: Date | null = null;
  result: Record<string, unknown> | null = null;
  error: { code: string; message: string } | null = null;
  /** The job's stages, as its kind lists them. */
  readonly stages: Partial<Record<Stage, StageState>>;
  /** How far the whole job is, and how long it has left: the figures of its `progress` events. */
  readonly progress: JobProgress;
  /** The split the stage counts are of, in an upload. */
  #split: string | undefined;

  constructor(id: string, kind: JobKind<R, JobSummaryBase, unknown>, request: R) {
    this.spec = { id, kind: kind.name, datasetId: request.datasetId };
    this.kind = kind;
    this.request = request;
    this.stages = Object.fromEntries(kind.stages.map((s) => [s, blank()]));
    this.progress = new JobProgress(kind.progressPlan(request));
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
    this.stages[progress.stage] ??= blank();
    const state = this.stages[progress.stage]!;
    state.current = progress.current;
    state.total = progress.total;
    if (progress.done) state.done = true;
  }

  /** The JSON `GET /jobs/{id}` returns; a stored job of an earlier process has the same, without its stages. */
  toJSON(): Record<string, unknown> {
    return {
      ...jobJson(this.kind, this.request, {
        id: this.id,
        status: this.status,
        created_at: this.createdAt.toISOString(),
        started_at: this.startedAt?.toISOString() ?? null,
        finished_at: this.finishedAt?.toISOString() ?? null,
        result: this.result,
        error: this.error,
      }),
      ...(this.#split === undefined ? {} : { split_in_progress: this.#split }),
      stages: this.stages,
      // As its latest progress event said; a complete job is wholly done.
      fraction: this.status === 'complete' ? 1 : this.progress.fraction,
      eta_seconds: this.finished ? null : this.progress.etaSeconds,
    };
  }
}

/** What a job's JSON says of it beyond its request. */
export interface JobState {
  id: string;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string | null } | null;
}

/** A job's JSON, live or stored: one shape, so a restart loses nothing a client saw. */
export function jobJson<R extends JobRequestBase>(kind: JobKind<R, JobSummaryBase, unknown>, request: R, state: JobState): Record<string, unknown> {
  return {
    id: state.id,
    kind: kind.name,
    dataset_id: request.datasetId,
    ...kind.describe(request),
    status: state.status,
    created_at: state.created_at,
    started_at: state.started_at,
    finished_at: state.finished_at,
    result: state.result,
    error: state.error,
    events_url: `/jobs/${state.id}/events`,
  };
}

const blank = (): StageState => ({ current: 0, total: null, done: false });

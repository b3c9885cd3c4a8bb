import type { Logger } from 'pino';
import { CHANNELS, type JobEndedMessage } from '../diagnostics/channels.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { IngestWarning, StageProgress } from '../progress/StageProgress.js';
import { createJob } from './createJob.js';
import type { Job } from './Job.js';
import type { CompleteFigures, JobContext, JobFailure, JobKind, JobRequestBase, JobSummaryBase } from './JobKind.js';
import { JobLifecycle } from './JobLifecycle.js';
import { jobFailure } from './jobFailure.js';
import { ProgressThrottle } from './ProgressThrottle.js';
import { type ProgressIntervalOptions, progressIntervalFor } from './progressIntervalFor.js';

/** Options of {@link JobScheduler}. */
export interface JobSchedulerOptions {
  /** Jobs running at once; default 1. The rest wait, `queued`, in arrival order. */
  maxConcurrentJobs?: number;
  /** Finished jobs kept in memory for event replay; default 100 (older ones are answered from the database). */
  keepFinished?: number;
  /** Least ms between two progress events of one stage; default 200 (see `ProgressThrottle`). */
  progressIntervalMs?: number;
  /**
   * Socket writes a second one stage's progress may cost across the job's
   * watchers; default 250. Past `progressIntervalMs` allows, the interval
   * stretches with the audience (see `progressIntervalFor`).
   */
  progressWritesPerSecond?: number;
}

/** The defaults of {@link JobSchedulerOptions}. */
export const JOB_SCHEDULER_DEFAULTS = { maxConcurrentJobs: 1, keepFinished: 100, progressIntervalMs: 200, progressWritesPerSecond: 250 } as const;

/**
 * Runs jobs of every kind in arrival order, `maxConcurrentJobs` at a time,
 * sharing the services' one pool and one database. Two jobs on the same dataset
 * never run at once (the second waits), because each may commit the dataset's
 * status. A job runs to its end whoever watches it; only {@link cancel} or
 * {@link shutdown} stops it. What a job does is its kind's (`jobKinds.ts`).
 */
export class JobScheduler {
  readonly #context: JobContext;
  readonly #log: Logger;
  readonly #max: number;
  readonly #keepFinished: number;
  readonly #interval: ProgressIntervalOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  readonly #running = new Map<string, Promise<void>>();
  #closing = false;
  /**
   * The job being made, if any: jobs are made one at a time, so a kind's
   * `prepare` (is this name free?) and its `created` (take the name) are never
   * interleaved with another request's, and two requests for one name cannot both pass.
   */
  #making: Promise<unknown> = Promise.resolve();

  constructor(context: JobContext, options: JobSchedulerOptions = {}) {
    this.#context = context;
    this.#log = context.log;
    this.#max = options.maxConcurrentJobs ?? JOB_SCHEDULER_DEFAULTS.maxConcurrentJobs;
    this.#keepFinished = options.keepFinished ?? JOB_SCHEDULER_DEFAULTS.keepFinished;
    const writesPerSecond = options.progressWritesPerSecond ?? JOB_SCHEDULER_DEFAULTS.progressWritesPerSecond;
    if (!(Number.isFinite(writesPerSecond) && writesPerSecond > 0)) {
      throw new RangeError(`progressWritesPerSecond must be a positive number, got ${writesPerSecond}`);
    }
    this.#interval = { intervalMs: options.progressIntervalMs ?? JOB_SCHEDULER_DEFAULTS.progressIntervalMs, writesPerSecond };
  }

  /** Makes a job of `kind` (its dataset too, if the kind makes one), records it and queues it. */
  async submit<R extends JobRequestBase, S extends JobSummaryBase, D>(kind: JobKind<R, S, D>, draft: D): Promise<Job<R>> {
    const job = await this.create(kind, draft);
    this.enqueue(job);
    return job;
  }

  /**
   * Makes a job of `kind` and keeps it, without queueing it: its first stage
   * runs outside the queue (an upload's bytes), and {@link enqueue} queues it after.
   */
  async create<R extends JobRequestBase, S extends JobSummaryBase, D>(kind: JobKind<R, S, D>, draft: D): Promise<Job<R>> {
    this.assertOpen();
    const made = this.#making.then(() => createJob(kind, draft, this.#context.repo));
    this.#making = made.catch(() => undefined);
    const job = await made;
    this.#jobs.set(job.id, job);
    return job;
  }

  /** Queues a job made by {@link create}; one cancelled meanwhile (or during shutdown) ends `cancelled` instead. */
  enqueue(job: Job<JobRequestBase>): void {
    if (this.#closing || job.controller.signal.aborted) {
      // Queued now it would never run (the pump stops at shutdown), and its canceller would wait for ever.
      const reason = job.controller.signal.reason;
      const message = reason instanceof Error ? reason.message : 'cancelled: the service is shutting down';
      void this.settleFailure(job, 'cancelled', { code: 'CANCELLED', message });
      return;
    }
    this.#queue.push(job);
    this.#queued(job);
    this.#log.info({ jobId: job.id, datasetId: job.spec.datasetId, kind: job.spec.kind }, 'job queued');
    this.#pump();
  }

  /** @throws AppError `SHUTTING_DOWN` once {@link shutdown} has begun. */
  assertOpen(): void {
    if (this.#closing) throw new AppError('SHUTTING_DOWN', 'the service is shutting down');
  }

  /** A job of this process, running or recently finished. */
  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** The jobs of this process, newest first. */
  list(): Job[] {
    return [...this.#jobs.values()].reverse();
  }

  /** Jobs of a dataset that have not finished. */
  activeFor(datasetId: number): Job[] {
    return [...this.#jobs.values()].filter((j) => j.spec.datasetId === datasetId && !j.finished);
  }

  /**
   * Cancels a job: a queued one never starts, a running one stops its work and
   * rolls back. Resolves when the job has ended.
   * @throws AppError 404 for an unknown id, 409 for a job that already ended.
   */
  async cancel(id: string, reason = 'cancelled by request'): Promise<Job> {
    const job = this.#jobs.get(id);
    if (!job) throw notFound('job', id);
    if (job.finished) throw conflict(`job ${id} already ended (${job.status})`);
    job.controller.abort(new AppError('CANCELLED', reason));
    const index = this.#queue.indexOf(job);
    if (index !== -1) {
      this.#queue.splice(index, 1);
      await this.settleFailure(job, 'cancelled', { code: 'CANCELLED', message: reason });
    }
    await job.events.finished;
    return job;
  }

  /** Stops taking jobs, cancels every queued and running one and waits for them. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    const active = [...this.#jobs.values()].filter((j) => !j.finished);
    await Promise.all(active.map((j) => this.cancel(j.id, 'cancelled: the service is shutting down').catch(() => undefined)));
    await Promise.all(this.#running.values());
  }

  /** Jobs running now. */
  get runningCount(): number {
    return this.#running.size;
  }

  /**
   * Progress to the job's events, a stage's updates thinned to one per interval
   * (longer while many watch: `progressIntervalFor`) and given the job's figures
   * (`JobProgress`), and into its counts.
   */
  progressFor(job: Job): Pick<ProgressThrottle, 'push' | 'flush' | 'close'> {
    const throttle = new ProgressThrottle((p) => job.events.append('progress', this.#shown(job, { ...p, ...job.progress.figures(p) })), {
      intervalMs: () => progressIntervalFor(job.events.subscriberCount, this.#interval),
    });
    return {
      push: (p: StageProgress) => {
        job.track(p);
        throttle.push(p);
      },
      flush: () => throttle.flush(),
      close: () => throttle.close(),
    };
  }

  /** A job that failed or was cancelled outside its run (queued, or in a stage before the queue): recorded, settled by its kind, and its event sent. */
  async settleFailure(job: Job, status: 'failed' | 'cancelled', error: JobFailure, lifecycle?: JobLifecycle): Promise<void> {
    const owner = lifecycle ?? new JobLifecycle(job, this.#context, (w) => job.events.append('warning', { ...w, current: 0, total: null }));
    await owner.ended(status, error, (err) => this.#log.error({ err, jobId: job.id }, 'could not record the end of a job'));
    this.#published(job, status, null);
    job.events.append(status, {
      stage: status,
      current: job.stages.images?.current ?? 0,
      total: null,
      message: error.message,
      code: error.code,
      dataset_id: job.spec.datasetId,
      job_id: job.id,
    });
  }

  #queued(job: Job): void {
    job.events.append('progress', {
      stage: 'queued',
      current: 0,
      total: null,
      message: `queued behind ${this.#queue.length - 1 + this.#running.size} job(s)`,
      ...job.progress.waiting(),
    });
  }

  #pump(): void {
    while (this.#running.size < this.#max && !this.#closing) {
      const busy = new Set([...this.#running.keys()].map((id) => this.#jobs.get(id)!.spec.datasetId));
      const index = this.#queue.findIndex((j) => !busy.has(j.spec.datasetId));
      if (index === -1) return;
      const [job] = this.#queue.splice(index, 1) as [Job];
      const run = this.#run(job).finally(() => {
        this.#running.delete(job.id);
        this.#evictFinished();
        this.#pump();
      });
      this.#running.set(job.id, run);
    }
  }

  async #run(job: Job): Promise<void> {
    const log = this.#log.child({ jobId: job.id, datasetId: job.spec.datasetId });
    const progress = this.progressFor(job);
    const onWarning = (w: IngestWarning) => {
      progress.flush();
      job.events.append('warning', this.#shown(job, { ...w, current: 0, total: null }));
    };
    const lifecycle = new JobLifecycle(job, this.#context, onWarning);
    try {
      await lifecycle.started();
      log.info({ kind: job.spec.kind }, 'job started');
      const context = { ...this.#context, log };
      const work = job.kind.run(job, lifecycle, context, { signal: job.controller.signal, onProgress: (p) => progress.push(p), onWarning });
      const summary = this.#shown(job, await work);
      progress.flush();
      await lifecycle.completed(summary, (err) => log.warn({ err }, 'could not store the final timings of a committed job'));
      const figures = job.kind.summarise(summary);
      job.events.append('complete', {
        stage: 'complete',
        current: figures.current,
        total: figures.total,
        message: figures.message,
        ...summary,
        fraction: 1,
        eta_seconds: 0,
      });
      this.#published(job, 'complete', figures);
      log.info({ summary }, 'job complete');
    } catch (err) {
      progress.flush();
      const { status, failure } = jobFailure(err, job.controller.signal);
      failure.message = this.#shown(job, failure.message);
      if (status === 'failed') log.error({ err }, 'job failed');
      else log.info({ reason: failure.message }, 'job cancelled');
      await this.settleFailure(job, status, failure, lifecycle);
    } finally {
      progress.close();
    }
  }

  /** A value of the job as clients see it (its kind may hide something in it). */
  #shown<T>(job: Job, value: T): T {
    return job.kind.shown ? job.kind.shown(job.request, value, this.#context) : value;
  }

  /**
   * Forgets a job that was never accepted (an upload whose body was refused as
   * a request): its dataset and its row go, as for any 400 answered before a
   * job was made. Whoever followed its events heard why it failed.
   */
  async forget(job: Job): Promise<void> {
    try {
      await this.#context.repo.deleteDataset(job.spec.datasetId);
    } catch (err) {
      this.#log.error({ err, datasetId: job.spec.datasetId }, 'could not remove the dataset of a refused job');
    }
    this.#jobs.delete(job.id);
  }

  /** Says that a job ended, on its diagnostics channel (the metrics listen). */
  #published(job: Job, status: JobEndedMessage['status'], figures: CompleteFigures | null): void {
    if (!CHANNELS.jobEnded.hasSubscribers) return;
    const message: JobEndedMessage = { owner: this, kind: job.spec.kind, status, images: figures?.images ?? 0, annotations: figures?.annotations ?? 0 };
    CHANNELS.jobEnded.publish(message);
  }

  #evictFinished(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.finished);
    for (const job of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) this.#jobs.delete(job.id);
  }
}

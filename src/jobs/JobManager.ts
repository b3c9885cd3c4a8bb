import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { UploadLimits } from '../config.js';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import { CHANNELS, type JobEndedMessage } from '../diagnostics/channels.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { IngestServices, OnInvalid, ThumbnailMode } from '../pipeline/ingestDataset.js';
import type { IngestWarning, StageProgress } from '../pipeline/progress.js';
import type { PluginRunner } from '../plugins/PluginRunner.js';
import { nameFromArchive } from '../uploads/nameFromArchive.js';
import type { UploadFolders } from '../uploads/UploadFolders.js';
import { completeMessage } from './completeMessage.js';
import { Job, type JobKind } from './Job.js';
import { jobFailure } from './jobFailure.js';
import { JobLifecycle, type JobFailure } from './JobLifecycle.js';
import { jobWork } from './jobWork.js';
import { ProgressThrottle } from './ProgressThrottle.js';
import { receiveArchive, type ReceiveUpload, type UploadRequest } from './receiveArchive.js';

/** Options of {@link JobManager}. */
export interface JobManagerOptions {
  /** Jobs running at once; default 1. The rest wait, `queued`, in arrival order. */
  maxConcurrentJobs?: number;
  /** Finished jobs kept in memory for event replay; default 100 (older ones are answered from the database). */
  keepFinished?: number;
  /** Least ms between two progress events of one stage; default 200 (see `ProgressThrottle`). */
  progressIntervalMs?: number;
  /** Where uploads go and what they may be; default none (uploads are refused). */
  uploads?: { folders: UploadFolders; limits: UploadLimits };
}

/** What `POST /datasets/ingest` or `POST /datasets/{id}/predictions` asks for, after validation and path checks. */
export interface SubmitRequest {
  /** Default `ingest`. */
  kind?: JobKind;
  annotationPath: string;
  /** Null: images fetched by their `coco_url`; always null for predictions. */
  imageDir: string | null;
  /** A panoptic file's PNG folder, when given or found beside the file. Default null. */
  maskDir?: string | null;
  datasetId?: number;
  datasetName?: string | undefined;
  /** The split; for predictions, the prediction set's name. */
  split: string;
  thumbnails: ThumbnailMode;
  /** What invalid records do: fail the job (default) or get skipped and counted. */
  onInvalid?: OnInvalid;
}

/**
 * Runs ingest jobs in arrival order, `maxConcurrentJobs` at a time, sharing the
 * services' one pool and one database. Two jobs on the same dataset never run at
 * once (the second waits), because each commits the dataset's status. A job
 * runs to its end whoever watches it; only {@link cancel} or {@link shutdown}
 * stops it.
 */
export class JobManager {
  readonly #services: IngestServices;
  readonly #plugins: PluginRunner;
  readonly #repo: DatasetRepository;
  readonly #log: Logger;
  readonly #max: number;
  readonly #keepFinished: number;
  readonly #intervalMs: number;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: Job[] = [];
  readonly #running = new Map<string, Promise<void>>();
  /** Uploads whose bytes are arriving: they hold no slot of the queue, but count against MAX_CONCURRENT_UPLOADS. */
  readonly #receiving = new Set<string>();
  readonly #uploads: NonNullable<JobManagerOptions['uploads']> | null;
  #closing = false;

  constructor(services: IngestServices, plugins: PluginRunner, repo: DatasetRepository, log: Logger, options: JobManagerOptions = {}) {
    this.#services = services;
    this.#plugins = plugins;
    this.#repo = repo;
    this.#log = log;
    this.#max = options.maxConcurrentJobs ?? 1;
    this.#keepFinished = options.keepFinished ?? 100;
    this.#intervalMs = options.progressIntervalMs ?? 200;
    this.#uploads = options.uploads ?? null;
  }

  /** Creates the dataset if needed, records the job and queues it. */
  async submit(request: SubmitRequest): Promise<Job> {
    if (this.#closing) throw new AppError('SHUTTING_DOWN', 'the service is shutting down');
    const kind = request.kind ?? 'ingest';
    let datasetId = request.datasetId;
    if (datasetId !== undefined) {
      if (!(await this.#repo.datasetExists(datasetId))) throw notFound('dataset', datasetId);
      if (kind === 'ingest' && (await this.#repo.hasSplit(datasetId, request.split))) {
        throw conflict(`dataset ${datasetId} already has a split named "${request.split}": give another split`);
      }
      if (kind === 'predictions' && (await this.#repo.hasPredictionSet(datasetId, request.split))) {
        throw conflict(`dataset ${datasetId} already has a prediction set named "${request.split}": delete it first or give another name`);
      }
    } else if (kind === 'ingest') {
      datasetId = await this.#repo.createDataset(request.datasetName ?? request.split);
    } else {
      throw new TypeError('a prediction set needs its dataset');
    }
    const job = new Job({
      id: randomUUID(),
      kind,
      datasetId,
      split: request.split,
      annotationPath: request.annotationPath,
      imageDir: request.imageDir,
      maskDir: request.maskDir ?? null,
      thumbnails: request.thumbnails,
      onInvalid: request.onInvalid ?? 'fail',
    });
    await this.#repo.insertJob({
      id: job.id,
      kind,
      datasetId,
      split: request.split,
      annotationPath: request.annotationPath,
      imageDir: request.imageDir,
      maskDir: request.maskDir ?? null,
      options: { thumbnails: request.thumbnails, on_invalid: request.onInvalid ?? 'fail', dataset_name: request.datasetName ?? null },
    });
    this.#jobs.set(job.id, job);
    this.#queue.push(job);
    this.#queued(job);
    this.#log.info({ jobId: job.id, datasetId, split: request.split, file: request.annotationPath }, 'job queued');
    this.#pump();
    return job;
  }

  /**
   * Starts an upload: makes its dataset and its job, and receives the archive
   * at once (stage `upload`), outside the queue; once the archive is on disk the
   * job is queued for unpacking and the ingest of its splits.
   * @returns the job, and `received`, which settles when the archive is on disk
   *   (and the job queued) or rejects with why not (the job has then failed).
   */
  async submitUpload(request: UploadRequest, receive: ReceiveUpload): Promise<{ job: Job; received: Promise<void> }> {
    if (this.#closing) throw new AppError('SHUTTING_DOWN', 'the service is shutting down');
    if (!this.#uploads) throw new AppError('NOT_IMPLEMENTED', 'this service takes no uploads');
    if (this.#receiving.size >= this.#uploads.limits.maxConcurrent) {
      const message = `${this.#receiving.size} uploads are arriving already (MAX_CONCURRENT_UPLOADS); retry shortly`;
      throw new AppError('UPLOADS_BUSY', message, { details: { retry_after: 5 } });
    }
    // The slot is taken before the first await, so two requests cannot both take the last one.
    const id = randomUUID();
    this.#receiving.add(id);
    try {
      const archive = request.archiveName ?? 'upload.zip';
      const datasetId = await this.#repo.createDataset(request.datasetName ?? nameFromArchive(archive));
      const spec = { kind: 'upload' as const, datasetId, split: 'upload', annotationPath: archive, imageDir: null, maskDir: null };
      const job = new Job({ id, ...spec, thumbnails: request.thumbnails, onInvalid: request.onInvalid });
      await this.#repo.insertJob({
        id,
        ...spec,
        options: { thumbnails: request.thumbnails, on_invalid: request.onInvalid, dataset_name: request.datasetName },
      });
      this.#jobs.set(id, job);
      this.#log.info({ jobId: id, datasetId, archive }, 'upload started');
      return { job, received: this.#receive(job, request, receive) };
    } catch (err) {
      this.#receiving.delete(id);
      throw err;
    }
  }

  async #receive(job: Job, request: UploadRequest, receive: ReceiveUpload): Promise<void> {
    const throttle = this.#throttleFor(job);
    try {
      await receiveArchive(job, request, receive, { folders: this.#uploads!.folders, repo: this.#repo, onProgress: (p) => throttle.push(p) });
    } catch (err) {
      throttle.flush();
      const { status, failure, error } = jobFailure(err, job.controller.signal);
      if (!job.finished) await this.#settleFailure(job, status, failure);
      throw error;
    } finally {
      this.#receiving.delete(job.id);
      throttle.close();
    }
    this.#queue.push(job);
    this.#queued(job);
    this.#pump();
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
   * Cancels a job: a queued one never starts, a running one stops its parser and
   * pool tasks and rolls back. Resolves when the job has ended.
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
      await this.#settleFailure(job, 'cancelled', { code: 'CANCELLED', message: reason });
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

  #queued(job: Job): void {
    job.events.append('progress', {
      stage: 'queued',
      current: 0,
      total: null,
      message: `queued behind ${this.#queue.length - 1 + this.#running.size} job(s)`,
      ...job.progress.waiting(),
    });
  }

  /** Progress to the job's events, a stage's updates thinned to one per interval and given the job's figures (`JobProgress`), and into its counts. */
  #throttleFor(job: Job): Pick<ProgressThrottle, 'push' | 'flush' | 'close'> {
    const throttle = new ProgressThrottle((p) => job.events.append('progress', { ...p, ...job.progress.figures(p) }), { intervalMs: this.#intervalMs });
    return {
      push: (p: StageProgress) => {
        job.track(p);
        throttle.push(p);
      },
      flush: () => throttle.flush(),
      close: () => throttle.close(),
    };
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
    const throttle = this.#throttleFor(job);
    const onWarning = (w: IngestWarning) => {
      throttle.flush();
      job.events.append('warning', { ...w, current: 0, total: null });
    };
    const lifecycle = new JobLifecycle(job, this.#repo, this.#plugins, onWarning);
    try {
      await lifecycle.started();
      log.info({ file: job.spec.annotationPath, kind: job.spec.kind }, 'job started');
      const context = { services: this.#services, repo: this.#repo, plugins: this.#plugins, uploads: this.#uploads, log };
      const summary = await jobWork(job, lifecycle, context, { signal: job.controller.signal, onProgress: (p) => throttle.push(p), onWarning });
      throttle.flush();
      await lifecycle.completed(summary, (err) => log.warn({ err }, 'could not store the final timings of a committed job'));
      job.events.append('complete', { stage: 'complete', ...completeMessage(summary), ...summary, fraction: 1, eta_seconds: 0 });
      this.#published(job, 'complete', summary);
      log.info({ summary }, 'job complete');
    } catch (err) {
      throttle.flush();
      const { status, failure } = jobFailure(err, job.controller.signal);
      failure.message = this.#withoutUploadFolder(job, failure.message);
      if (status === 'failed') log.error({ err }, 'job failed');
      else log.info({ reason: failure.message }, 'job cancelled');
      await this.#settleFailure(job, status, failure, lifecycle);
    } finally {
      throttle.close();
    }
  }

  /** An upload's messages name its files as the archive does, not where this service keeps them. */
  #withoutUploadFolder(job: Job, message: string): string {
    if (job.spec.kind !== 'upload' || !this.#uploads) return message;
    return message.replaceAll(`${this.#uploads.folders.filesOf(job.spec.datasetId)}${path.sep}`, '');
  }

  async #settleFailure(job: Job, status: 'failed' | 'cancelled', error: JobFailure, lifecycle?: JobLifecycle): Promise<void> {
    const owner = lifecycle ?? new JobLifecycle(job, this.#repo, this.#plugins, (w) => job.events.append('warning', { ...w, current: 0, total: null }));
    await owner.ended(status, error, (err) => this.#log.error({ err, jobId: job.id }, 'could not record the end of a job'));
    if (job.spec.kind === 'upload') await this.#removeUpload(job.spec.datasetId);
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

  /** A failed upload's files and its splits' thumbnails go: the dataset is left empty. */
  async #removeUpload(datasetId: number): Promise<void> {
    try {
      await this.#uploads?.folders.remove(datasetId);
      await this.#services.store.removeDataset(datasetId);
    } catch (err) {
      this.#log.error({ err, datasetId }, 'could not remove the files of a failed upload');
    }
  }

  /** Says that a job ended, on its diagnostics channel (the metrics listen). */
  #published(job: Job, status: JobEndedMessage['status'], summary: Record<string, unknown> | null): void {
    if (!CHANNELS.jobEnded.hasSubscribers) return;
    const message: JobEndedMessage = {
      owner: this,
      kind: job.spec.kind,
      status,
      images: Number(summary?.image_count ?? 0),
      annotations: Number(summary?.annotation_count ?? 0),
    };
    CHANNELS.jobEnded.publish(message);
  }

  /** Jobs running now. */
  get runningCount(): number {
    return this.#running.size;
  }

  #evictFinished(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.finished);
    for (const job of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) this.#jobs.delete(job.id);
  }
}

import type { Logger } from 'pino';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import { AppError } from '../errors.js';
import type { Job } from './Job.js';
import type { UploadPlaces } from './JobKind.js';
import type { JobScheduler } from './JobScheduler.js';
import { jobFailure } from './jobFailure.js';
import { type UploadDraft, type UploadJobRequest, uploadJob } from './kinds/uploadJob.js';
import { type ReceiveUpload, receiveArchive } from './receiveArchive.js';

/**
 * Takes uploads in: at most `MAX_CONCURRENT_UPLOADS` receive their bytes at
 * once, each as the first stage of its upload job, outside the scheduler's
 * queue; once an archive is on disk its job is queued for the scheduler to run.
 */
export class UploadIntake {
  readonly #scheduler: JobScheduler;
  readonly #repo: DatasetRepository;
  readonly #uploads: UploadPlaces;
  readonly #log: Logger;
  /** Uploads whose bytes are arriving: they hold no slot of the queue, but count against MAX_CONCURRENT_UPLOADS. */
  readonly #receiving = new Set<Promise<void>>();

  constructor(scheduler: JobScheduler, repo: DatasetRepository, uploads: UploadPlaces, log: Logger) {
    this.#scheduler = scheduler;
    this.#repo = repo;
    this.#uploads = uploads;
    this.#log = log;
  }

  /**
   * Starts an upload: makes its dataset and its job, and receives the archive
   * at once (stage `upload`); once the archive is on disk the job is queued
   * for unpacking and the ingest of its splits.
   * @returns the job, and `received`, which settles when the archive is on disk
   *   (and the job queued) or rejects with why not (the job has then failed).
   * @throws AppError `UPLOADS_BUSY` when every upload slot is taken.
   */
  async start(draft: UploadDraft, receive: ReceiveUpload): Promise<{ job: Job<UploadJobRequest>; received: Promise<void> }> {
    this.#scheduler.assertOpen();
    if (this.#receiving.size >= this.#uploads.limits.maxConcurrent) {
      const message = `${this.#receiving.size} uploads are arriving already (MAX_CONCURRENT_UPLOADS); retry shortly`;
      throw new AppError('UPLOADS_BUSY', message, { details: { retry_after: 5 } });
    }
    // The slot is taken before the first await, so two requests cannot both take the last one.
    let release!: () => void;
    const slot = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#receiving.add(slot);
    try {
      const job = await this.#scheduler.create(uploadJob, draft);
      this.#log.info({ jobId: job.id, datasetId: job.spec.datasetId, archive: job.request.archive }, 'upload started');
      const free = () => {
        this.#receiving.delete(slot);
        release();
      };
      return { job, received: this.#receive(job, receive, free).finally(free) };
    } catch (err) {
      this.#receiving.delete(slot);
      release();
      throw err;
    }
  }

  async #receive(job: Job<UploadJobRequest>, receive: ReceiveUpload, free: () => void): Promise<void> {
    const progress = this.#scheduler.progressFor(job);
    try {
      await receiveArchive(job, receive, { folders: this.#uploads.folders, repo: this.#repo, onProgress: (p) => progress.push(p) });
    } catch (err) {
      // The bytes have stopped arriving, whatever comes next: the slot is free at once.
      free();
      progress.flush();
      const { status, failure, error } = jobFailure(err, job.controller.signal);
      if (!job.finished) await this.#scheduler.settleFailure(job, status, failure);
      if (error.code === 'INVALID_REQUEST') await this.#scheduler.forget(job);
      throw error;
    } finally {
      progress.close();
    }
    this.#scheduler.enqueue(job);
  }
}

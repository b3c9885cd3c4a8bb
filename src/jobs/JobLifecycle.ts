import type { InTransaction } from '../db/Database.js';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import type { IngestHooks } from '../plugins/PluginRunner.js';
import type { IngestWarning } from '../progress/StageProgress.js';
import type { Job } from './Job.js';
import type { JobContext, JobFailure } from './JobKind.js';

/**
 * The one owner of a job's lifecycle in the database and in the plugins: it
 * marks the job running, writes its `complete` row inside the work's own
 * transaction (so rows and status commit together), records the final figures
 * after the commit, and settles a failed or cancelled job through its kind.
 * The plugins' hooks for the job are bound once, here, for all of it.
 *
 * An upload's splits are ingests of their own (each commits its rows), but the
 * dataset is the upload's: it turns `ready` when the upload completes, and an
 * upload that fails takes back the splits it had committed. The plugins see
 * each split as an ingest, and not the upload around them: a split's ingest
 * completes for them when the upload does, and fails if the upload takes it back.
 */
export class JobLifecycle {
  readonly hooks: IngestHooks;
  /** The file's categories as the plugins see them, filled by the ingest. */
  readonly categories = new Map<number, string>();
  readonly #job: Job;
  readonly #repo: DatasetRepository;
  readonly #context: JobContext;
  /** Whether the work's own transaction set the job complete (and its dataset ready): then nothing is left to set after it. */
  #committedWithRows = false;

  constructor(job: Job, context: JobContext, onWarning: (warning: IngestWarning) => void) {
    const { repo, plugins } = context;
    this.#job = job;
    this.#repo = repo;
    this.#context = context;
    // The plugins' `split` is what the job's row names its subject: the split, or the prediction set.
    const { split } = job.kind.toRecord(job.request);
    this.hooks = job.kind.tellsPlugins ? plugins.forIngest({ datasetId: job.spec.datasetId, jobId: job.id, split }, this.categories, onWarning) : NO_HOOKS;
  }

  /** The job starts: it is `running`, and a job that owns its dataset puts it in `ingesting`. */
  async started(): Promise<void> {
    const job = this.#job;
    job.status = 'running';
    job.startedAt = new Date();
    await this.#repo.markJobRunning(job.id);
    if (this.#ownsDataset) await this.#repo.setDatasetStatus(job.spec.datasetId, 'ingesting');
  }

  /** The statements that make the job `complete` (and its dataset `ready`), run inside the work's transaction. */
  commitRows(result: Record<string, unknown>, metadata: { info: unknown; licenses: unknown }): InTransaction {
    this.#committedWithRows = true;
    return this.#repo.completeJobInTransaction(this.#job.id, result, metadata, this.#ownsDataset ? this.#job.spec.datasetId : null);
  }

  /**
   * After the work: the final figures (the commit's own time) are stored, the
   * dataset of a job that owns it is `ready` (a job whose work committed no
   * rows of its own, as an upload, sets it here), and the plugins told, unless
   * `tellPlugins` is false: an upload's split is complete for the plugins only
   * when its upload is.
   */
  async completed(summary: Record<string, unknown>, onStoreFailed: (err: unknown) => void, tellPlugins = true): Promise<void> {
    const job = this.#job;
    job.status = 'complete';
    job.finishedAt = new Date();
    job.result = summary;
    // Its rows are committed whatever comes next: a failed status write is logged, never a failed job.
    if (this.#ownsDataset && !this.#committedWithRows) await this.#repo.setDatasetStatus(job.spec.datasetId, 'ready').catch(onStoreFailed);
    await this.#repo.finishJob(job.id, 'complete', summary, null).catch(onStoreFailed);
    if (tellPlugins) await this.hooks.complete(summary);
  }

  /** The job failed or was cancelled: recorded, what its kind owns settled, the plugins told. */
  async ended(status: 'failed' | 'cancelled', error: JobFailure, onStoreFailed: (err: unknown) => void): Promise<void> {
    const job = this.#job;
    job.status = status;
    job.finishedAt = new Date();
    job.error = error;
    try {
      await this.#repo.finishJob(job.id, status, null, error);
      await job.kind.settleFailure(job.request, job.id, status, error, this.#context);
    } catch (err) {
      onStoreFailed(err);
    }
    await this.hooks.failed(error);
  }

  get #ownsDataset(): boolean {
    return this.#job.kind.ownsDataset(this.#job.request);
  }
}

/** The hooks of a job the plugins do not hear of: none. */
const NO_HOOKS: IngestHooks = {
  wantsBatches: false,
  start: async () => undefined,
  batch: async () => undefined,
  complete: async () => undefined,
  failed: async () => undefined,
};

import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import type { IngestHooks, PluginRunner } from '../plugins/PluginRunner.js';
import type { IngestWarning } from '../pipeline/progress.js';
import type { Job } from './Job.js';

/** How a job ended, as stored and sent. */
export interface JobFailure {
  code: string;
  message: string;
}

/**
 * The one owner of a job's lifecycle in the database and in the plugins: it
 * marks the job running, writes its `complete` row inside the ingest's own
 * transaction (so rows and status commit together), records the final figures
 * after the commit, and settles a failed or cancelled job and its dataset. The
 * plugins' hooks for the job are bound once, here, for all of it.
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

  constructor(job: Job, repo: DatasetRepository, plugins: PluginRunner, onWarning: (warning: IngestWarning) => void) {
    this.#job = job;
    this.#repo = repo;
    this.hooks =
      job.spec.kind === 'upload'
        ? NO_HOOKS
        : plugins.forIngest({ datasetId: job.spec.datasetId, jobId: job.id, split: job.spec.split }, this.categories, onWarning);
  }

  /** The job starts: it is `running`, and a ground-truth ingest puts its dataset in `ingesting`. */
  async started(): Promise<void> {
    const job = this.#job;
    job.status = 'running';
    job.startedAt = new Date();
    await this.#repo.markJobRunning(job.id);
    if (this.#ownsDataset) await this.#repo.setDatasetStatus(job.spec.datasetId, 'ingesting');
  }

  /** The statements that make the job `complete` (and its dataset `ready`), run inside the ingest's transaction. */
  commitRows(result: Record<string, unknown>, metadata: { info: unknown; licenses: unknown }) {
    const job = this.#job;
    return async (conn: DuckDBConnection): Promise<void> => {
      await conn.run(`UPDATE jobs SET status = 'complete', info = ?, licenses = ?, result = ?, finished_at = now() WHERE id = ?`, [
        json(metadata.info),
        json(metadata.licenses),
        JSON.stringify(result),
        job.id,
      ]);
      if (this.#ownsDataset) {
        await conn.run(`UPDATE datasets SET status = 'ready', error = NULL, updated_at = now() WHERE id = ?`, [BigInt(job.spec.datasetId)]);
      }
    };
  }

  /**
   * After the commit: the final figures (the commit's own time) are stored, and
   * the plugins told, unless `tellPlugins` is false: an upload's split is
   * complete for the plugins only when its upload is.
   */
  async completed(summary: Record<string, unknown>, onStoreFailed: (err: unknown) => void, tellPlugins = true): Promise<void> {
    const job = this.#job;
    job.status = 'complete';
    job.finishedAt = new Date();
    job.result = summary;
    if (job.spec.kind === 'upload') await this.#repo.setDatasetStatus(job.spec.datasetId, 'ready');
    await this.#repo.finishJob(job.id, 'complete', summary, null).catch(onStoreFailed);
    if (tellPlugins) await this.hooks.complete(summary);
  }

  /** The job failed or was cancelled: recorded, its dataset settled, the plugins told. */
  async ended(status: 'failed' | 'cancelled', error: JobFailure, onStoreFailed: (err: unknown) => void): Promise<void> {
    const job = this.#job;
    job.status = status;
    job.finishedAt = new Date();
    job.error = error;
    try {
      await this.#repo.finishJob(job.id, status, null, error);
      if (job.spec.kind === 'upload') await this.#repo.discardUpload(job.spec.datasetId, status, error.message);
      else if (job.spec.kind === 'predictions') await this.#repo.failPredictionSet(job.id, error.message);
      else if (!job.spec.parentId) await this.#repo.settleDatasetAfterFailure(job.spec.datasetId, status, error.message);
    } catch (err) {
      onStoreFailed(err);
    }
    await this.hooks.failed(error);
  }

  /** A ground-truth ingest or an upload sets its dataset's status; an upload's split leaves it to the upload. */
  get #ownsDataset(): boolean {
    return this.#job.spec.kind === 'upload' || (this.#job.spec.kind === 'ingest' && !this.#job.spec.parentId);
  }
}

/** The upload job's own hooks: none (the plugins see its splits). */
const NO_HOOKS: IngestHooks = {
  wantsBatches: false,
  start: async () => undefined,
  batch: async () => undefined,
  complete: async () => undefined,
  failed: async () => undefined,
};

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

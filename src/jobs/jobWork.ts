import type { Logger } from 'pino';
import type { UploadLimits } from '../config.js';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import { ingestDataset, type IngestOptions, type IngestServices } from '../pipeline/ingestDataset.js';
import { loadPredictions } from '../pipeline/loadPredictions.js';
import type { PluginRunner } from '../plugins/PluginRunner.js';
import { ingestUpload, type UploadSummary } from '../uploads/ingestUpload.js';
import type { UploadFolders } from '../uploads/UploadFolders.js';
import { withArchivePaths } from '../uploads/withArchivePaths.js';
import { ingestSplitOfUpload, type SplitOfUploadDeps } from './ingestSplitOfUpload.js';
import { jobFailure } from './jobFailure.js';
import type { Job } from './Job.js';
import type { JobLifecycle } from './JobLifecycle.js';

/** What a job's work needs from the manager. */
export interface JobWorkContext {
  services: IngestServices;
  repo: DatasetRepository;
  plugins: PluginRunner;
  /** Where uploads go and their bounds; null when the service takes none. */
  uploads: { folders: UploadFolders; limits: UploadLimits } | null;
  log: Logger;
}

/** What a job of each kind does once it runs: its summary, or it throws. */
export async function jobWork(job: Job, lifecycle: JobLifecycle, context: JobWorkContext, options: IngestOptions): Promise<Record<string, unknown>> {
  const request = { ...job.spec, jobId: job.id };
  if (job.spec.kind === 'ingest') return ingestDataset(request, context.services, lifecycle, options);
  if (job.spec.kind === 'predictions') return loadPredictions({ ...request, name: job.spec.split }, context.services, lifecycle, options);
  return uploadWork(job, context, options);
}

/**
 * An upload's work: its splits ingested one by one, each committing; the
 * plugins hear of them at the end, complete with the upload or failed with it.
 */
async function uploadWork(job: Job, context: JobWorkContext, options: IngestOptions): Promise<Record<string, unknown>> {
  const { folders, limits } = context.uploads!;
  const id = job.spec.datasetId;
  const place = { archive: folders.archiveOf(id), files: folders.filesOf(id), bodyBytes: job.stages.upload?.current ?? 0 };
  const deps: SplitOfUploadDeps = {
    services: context.services,
    repo: context.repo,
    plugins: context.plugins,
    onStoreFailed: (err: unknown) => context.log.warn({ err }, 'could not store the final timings of a committed split'),
    shown: (value) => withArchivePaths(value, place.files),
    committed: [],
  };
  let summary: UploadSummary;
  try {
    summary = await ingestUpload(place, limits, (split, o) => ingestSplitOfUpload(job, split, deps, o), options);
  } catch (err) {
    // The upload takes its committed splits back: for the plugins they failed.
    const { failure } = jobFailure(err, options.signal);
    for (const { lifecycle } of deps.committed) await lifecycle.hooks.failed({ code: failure.code, message: `rolled back with its upload: ${failure.message}` });
    throw err;
  }
  for (const { lifecycle, summary: split } of deps.committed) await lifecycle.hooks.complete(split);
  const dataset = await context.repo.getDataset(id);
  return { dataset_id: id, job_id: job.id, ...summary, category_count: Number(dataset.category_count) };
}

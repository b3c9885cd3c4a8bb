import { randomUUID } from 'node:crypto';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import { ingestDataset, type IngestOptions, type IngestServices, type IngestSummary } from '../pipeline/ingestDataset.js';
import type { PluginRunner } from '../plugins/PluginRunner.js';
import type { UploadSplit } from '../uploads/findUploadLayout.js';
import { Job } from './Job.js';
import { jobFailure } from './jobFailure.js';
import { JobLifecycle } from './JobLifecycle.js';

/** What an upload's split needs from the job manager. */
export interface SplitOfUploadDeps {
  services: IngestServices;
  repo: DatasetRepository;
  plugins: PluginRunner;
  /** Logs a job row that could not be stored after the data committed. */
  onStoreFailed: (err: unknown) => void;
  /** A value as the split's job row keeps it: its paths named as the archive names them (see `withArchivePaths`). */
  shown: <T>(value: T) => T;
  /** The splits committed so far, whose plugins hear of them when the upload ends. */
  committed: CommittedSplit[];
}

/** A split whose rows are committed, and whose plugins have not been told yet. */
export interface CommittedSplit {
  lifecycle: JobLifecycle;
  summary: IngestSummary;
}

/**
 * Ingests one split of an upload as an ingest job of its own (a `jobs` row
 * with the upload's id in its options), so the split, its counts and its export
 * are those of any ingest; its events go to the upload's stream through
 * `options`, and its dataset's status stays the upload's to set. Once it
 * commits, its plugins wait for the upload's end (`deps.committed`).
 */
export async function ingestSplitOfUpload(upload: Job, split: UploadSplit, deps: SplitOfUploadDeps, options: IngestOptions): Promise<IngestSummary> {
  const { datasetId, thumbnails, onInvalid } = upload.spec;
  const child = new Job({ id: randomUUID(), kind: 'ingest', parentId: upload.id, datasetId, ...split, thumbnails, onInvalid });
  await deps.repo.insertJob({
    id: child.id,
    kind: 'ingest',
    datasetId,
    split: split.split,
    annotationPath: split.annotationPath,
    imageDir: split.imageDir,
    maskDir: split.maskDir,
    options: { thumbnails, on_invalid: onInvalid, upload_job_id: upload.id },
  });
  const lifecycle = new JobLifecycle(child, deps.repo, deps.plugins, options.onWarning);
  await lifecycle.started();
  try {
    const summary = deps.shown(await ingestDataset({ ...child.spec, jobId: child.id }, deps.services, lifecycle, options));
    await lifecycle.completed(summary, deps.onStoreFailed, false);
    deps.committed.push({ lifecycle, summary });
    return summary;
  } catch (err) {
    const { status, failure } = jobFailure(err, options.signal);
    await lifecycle.ended(status, deps.shown(failure), deps.onStoreFailed);
    throw err;
  }
}

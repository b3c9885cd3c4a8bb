import type { IngestOptions, IngestSummary } from '../pipeline/IngestRequest.js';
import type { UploadSplit } from '../uploads/findUploadLayout.js';
import { createJob } from './createJob.js';
import type { JobContext, RunningJob } from './JobKind.js';
import { JobLifecycle } from './JobLifecycle.js';
import { jobFailure } from './jobFailure.js';
import { type IngestJobRequest, ingestJob } from './kinds/ingestJob.js';

/** A split whose rows are committed, and whose plugins have not been told yet. */
export interface CommittedSplit {
  lifecycle: JobLifecycle;
  summary: IngestSummary;
}

/** What an upload's split needs beyond the job context. */
export interface SplitOfUploadDeps {
  context: JobContext;
  /** Logs a job row that could not be stored after the data committed. */
  onStoreFailed: (err: unknown) => void;
  /** A value as the split's job row keeps it: its paths named as the archive names them (see `withArchivePaths`). */
  shown: <T>(value: T) => T;
  /** The splits committed so far, whose plugins hear of them when the upload ends. */
  committed: CommittedSplit[];
}

/**
 * Ingests one split of an upload as an ingest job of its own (a `jobs` row
 * with the upload's id in its options), so the split, its counts and its export
 * are those of any ingest; its events go to the upload's stream through
 * `options`, and its dataset's status stays the upload's to set. Once it
 * commits, its plugins wait for the upload's end (`deps.committed`).
 */
export async function ingestSplitOfUpload(
  upload: RunningJob<{ kind: 'upload'; datasetId: number; thumbnails: IngestJobRequest['thumbnails']; onInvalid: IngestJobRequest['onInvalid'] }>,
  split: UploadSplit,
  deps: SplitOfUploadDeps,
  options: IngestOptions,
): Promise<IngestSummary> {
  const { datasetId, thumbnails, onInvalid } = upload.request;
  const draft = { ...split, datasetId, thumbnails, onInvalid, datasetName: null, uploadJobId: upload.id };
  const child = await createJob(ingestJob, draft, deps.context.repo);
  const lifecycle = new JobLifecycle(child, deps.context, options.onWarning);
  await lifecycle.started();
  try {
    const summary = deps.shown(await ingestJob.run(child, lifecycle, deps.context, options));
    await lifecycle.completed(summary, deps.onStoreFailed, false);
    deps.committed.push({ lifecycle, summary });
    return summary;
  } catch (err) {
    const { status, failure } = jobFailure(err, options.signal);
    await lifecycle.ended(status, deps.shown(failure), deps.onStoreFailed);
    throw err;
  }
}

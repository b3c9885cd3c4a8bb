import { mkdir } from 'node:fs/promises';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import type { StageProgress } from '../progress/StageProgress.js';
import { nameFromArchive } from '../uploads/nameFromArchive.js';
import type { UploadFolders } from '../uploads/UploadFolders.js';
import { megabytes } from '../util/megabytes.js';
import type { Job } from './Job.js';
import type { UploadJobRequest } from './kinds/uploadJob.js';

/**
 * Streams an upload's body into `target`: the route's side of an upload, run
 * by the upload intake as the job's first stage.
 */
export type ReceiveUpload = (
  target: string,
  options: { signal: AbortSignal; onProgress: (received: number, total: number | null) => void },
) => Promise<{ bodyBytes: number; fileName: string | null }>;

/**
 * An upload job's first stage: the archive received into the dataset's upload
 * folder (stage `upload`, in bytes of the body), and the job and dataset named
 * after it when the request did not name them.
 */
export async function receiveArchive(
  job: Job<UploadJobRequest>,
  receive: ReceiveUpload,
  context: { folders: UploadFolders; repo: DatasetRepository; onProgress: (progress: StageProgress) => void },
): Promise<void> {
  const { datasetId } = job.spec;
  await mkdir(context.folders.forDataset(datasetId), { recursive: true });
  const { bodyBytes, fileName } = await receive(context.folders.archiveOf(datasetId), {
    signal: job.controller.signal,
    onProgress: (received, total) => context.onProgress(bytesProgress(received, total)),
  });
  if (!job.request.archiveNamed && fileName !== null) {
    // A form names its file only in the part's header, after the job was made.
    job.request = { ...job.request, archive: `${nameFromArchive(fileName)}.zip`, archiveNamed: true };
    await context.repo.nameUpload(job.id, job.request.archive, job.request.datasetName ?? nameFromArchive(fileName));
  }
  context.onProgress(bytesProgress(bodyBytes, bodyBytes, true));
}

function bytesProgress(current: number, total: number | null, done = false): StageProgress {
  return { stage: 'upload', current, total, done, message: `received ${megabytes(current)}${total === null ? '' : ` of ${megabytes(total)}`} MB` };
}

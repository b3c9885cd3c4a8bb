import { mkdir } from 'node:fs/promises';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import type { OnInvalid, ThumbnailMode } from '../pipeline/ingestDataset.js';
import type { StageProgress } from '../pipeline/progress.js';
import { nameFromArchive } from '../uploads/nameFromArchive.js';
import { megabytes } from '../util/megabytes.js';
import type { UploadFolders } from '../uploads/UploadFolders.js';
import type { Job } from './Job.js';

/** What `POST /datasets/upload` asks for, after validation. */
export interface UploadRequest {
  /** Null: named after the archive. */
  datasetName: string | null;
  /** The archive's name as the client gave it, for the job's record; null: the form's file name, once it is read. */
  archiveName: string | null;
  thumbnails: ThumbnailMode;
  onInvalid: OnInvalid;
}

/**
 * Streams an upload's body into `target`: the route's side of an upload, run
 * by the manager as the job's first stage.
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
  job: Job,
  request: UploadRequest,
  receive: ReceiveUpload,
  context: { folders: UploadFolders; repo: DatasetRepository; onProgress: (progress: StageProgress) => void },
): Promise<void> {
  const { datasetId } = job.spec;
  await mkdir(context.folders.forDataset(datasetId), { recursive: true });
  const { bodyBytes, fileName } = await receive(context.folders.archiveOf(datasetId), {
    signal: job.controller.signal,
    onProgress: (received, total) => context.onProgress(bytesProgress(received, total)),
  });
  if (request.archiveName === null && fileName !== null) {
    // A form names its file only in the part's header, after the job was made.
    job.spec.annotationPath = `${nameFromArchive(fileName)}.zip`;
    await context.repo.nameUpload(job.id, job.spec.annotationPath, request.datasetName ?? nameFromArchive(fileName));
  }
  context.onProgress(bytesProgress(bodyBytes, bodyBytes, true));
}

function bytesProgress(current: number, total: number | null, done = false): StageProgress {
  return { stage: 'upload', current, total, done, message: `received ${megabytes(current)}${total === null ? '' : ` of ${megabytes(total)}`} MB` };
}

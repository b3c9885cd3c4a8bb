import path from 'node:path';
import { uploadFolder } from './harness/uploadFolder.js';
import type { PreparedDataset } from './prepareDataset.js';

/** Where {@link uploadDataset} put a dataset. */
export interface UploadedDataset {
  annotationPath: string;
  imageDir: string;
  /** The gs:// prefix holding both, for `INGEST_ROOTS`. */
  root: string;
}

/** Uploads a generated dataset (its annotations folder and its images) to `gs://<bucket>/<name>/`. */
export async function uploadDataset(endpoint: string, projectId: string, bucket: string, dataset: PreparedDataset): Promise<UploadedDataset> {
  const emulator = { endpoint, projectId };
  await uploadFolder(emulator, path.dirname(dataset.annotationPath), bucket, `${dataset.name}/annotations`);
  await uploadFolder(emulator, dataset.imageDir, bucket, `${dataset.name}/images`);
  return {
    annotationPath: `gs://${bucket}/${dataset.name}/annotations/${path.basename(dataset.annotationPath)}`,
    imageDir: `gs://${bucket}/${dataset.name}/images`,
    root: `gs://${bucket}/${dataset.name}`,
  };
}

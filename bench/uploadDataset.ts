import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { findFiles } from './findFiles.js';
import type { PreparedDataset } from './prepareDataset.js';

/** Where {@link uploadDataset} put a dataset. */
export interface UploadedDataset {
  annotationPath: string;
  imageDir: string;
  /** The gs:// prefix holding both, for `INGEST_ROOTS`. */
  root: string;
}

/** Uploads a generated dataset (annotation file and images) to `gs://<bucket>/<name>/`, eight objects at a time. */
export async function uploadDataset(endpoint: string, projectId: string, bucketName: string, dataset: PreparedDataset): Promise<UploadedDataset> {
  const bucket = new Storage({ apiEndpoint: endpoint, projectId }).bucket(bucketName);
  const root = `${dataset.name}`;
  const images = await findFiles(dataset.imageDir, (name) => name.endsWith('.jpg'));
  const uploads: [string, string][] = [
    [dataset.annotationPath, `${root}/annotations/${path.basename(dataset.annotationPath)}`],
    ...images.map((file): [string, string] => [file, `${root}/images/${path.relative(dataset.imageDir, file).split(path.sep).join('/')}`]),
  ];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < uploads.length) {
        const [file, name] = uploads[next++]!;
        await bucket.file(name).save(await readFile(file), { resumable: false, validation: false });
      }
    }),
  );
  return {
    annotationPath: `gs://${bucketName}/${root}/annotations/${path.basename(dataset.annotationPath)}`,
    imageDir: `gs://${bucketName}/${root}/images`,
    root: `gs://${bucketName}/${root}`,
  };
}

import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { PreparedDataset } from './prepareDataset.js';

/**
 * Zips a generated dataset in the COCO layout an upload expects
 * (`annotations/instances_<name>.json`, images in `<name>/`), the JSON
 * deflated and the JPEGs stored, as zip tools do with files that do not
 * compress. @returns the archive's path and size.
 */
export async function zipDataset(dataset: PreparedDataset, file: string): Promise<{ file: string; bytes: number }> {
  const zip = new yazl.ZipFile();
  zip.addFile(dataset.annotationPath, `annotations/${path.basename(dataset.annotationPath)}`);
  for (const name of (await readdir(dataset.imageDir)).sort()) {
    zip.addFile(path.join(dataset.imageDir, name), `${dataset.name}/${name}`, { compress: false });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return { file, bytes: (await stat(file)).size };
}

import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where uploaded datasets live: `DATA_DIR/uploads/<dataset id>/`, the archive
 * while it arrives and its files once unpacked. The folder is one of the roots
 * the service reads images from (so thumbnails can be made again on demand),
 * and goes when its dataset does.
 */
export class UploadFolders {
  /** `DATA_DIR/uploads`. */
  readonly root: string;

  constructor(dataDir: string) {
    this.root = uploadsRoot(dataDir);
  }

  /** The folder of one dataset's upload. */
  forDataset(datasetId: number): string {
    return path.join(this.root, String(datasetId));
  }

  /** The file the archive is received into, inside the dataset's folder. */
  archiveOf(datasetId: number): string {
    return path.join(this.forDataset(datasetId), 'upload.zip');
  }

  /** The folder the archive is unpacked into. */
  filesOf(datasetId: number): string {
    return path.join(this.forDataset(datasetId), 'files');
  }

  /** Removes a dataset's upload, archive and files; nothing when it has none. */
  async remove(datasetId: number): Promise<void> {
    await rm(this.forDataset(datasetId), { recursive: true, force: true });
  }
}

/**
 * `DATA_DIR/uploads`, made if missing: the storage's roots are resolved once,
 * when it is made, and a root that does not exist then is ignored.
 */
export function uploadsRoot(dataDir: string): string {
  const root = path.join(dataDir, 'uploads');
  mkdirSync(root, { recursive: true });
  return root;
}

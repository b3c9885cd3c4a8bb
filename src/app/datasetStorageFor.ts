import type { Config } from '../config.js';
import { DatasetStorage } from '../storage/DatasetStorage.js';
import { uploadsRoot } from '../uploads/UploadFolders.js';

/**
 * The storage a process reads datasets through, from its configuration: the
 * service's and every worker's alike. Its roots are INGEST_ROOTS and the
 * uploads' folder under DATA_DIR, which only the uploads' own jobs read.
 */
export function datasetStorageFor(config: Config): DatasetStorage {
  return new DatasetStorage({
    roots: [...config.ingestRoots, uploadsRoot(config.dataDir)],
    privateRoots: [uploadsRoot(config.dataDir)],
    gcs: {
      ...(config.gcs.endpoint === null ? {} : { apiEndpoint: config.gcs.endpoint }),
      ...(config.gcs.projectId === null ? {} : { projectId: config.gcs.projectId }),
      timeoutMs: config.gcs.timeoutMs,
      stallTimeoutMs: config.gcs.stallTimeoutMs,
      maxRetries: config.gcs.maxRetries,
    },
    http: config.http,
  });
}

import { type HashSummary, hashImages } from '../../pipeline/hashImages.js';
import { HASH_STAGES } from '../../progress/StageProgress.js';
import type { JobKind, JobRequestBase } from '../JobKind.js';

/** Reads a dataset's images for their hashes only (a dataset ingested with `thumbnails: "none"` has none). */
export interface HashJobRequest extends JobRequestBase {
  kind: 'hash';
}

/** The hash job: `POST /datasets/{id}/hashes`. */
export const hashJob: JobKind<HashJobRequest, HashSummary, { datasetId: number }> = {
  name: 'hash',
  stages: HASH_STAGES,
  tellsPlugins: false,
  progressPlan: () => ({ parts: [{ stages: ['hashes'], measure: 'count', weight: 1 }] }),

  async prepare(draft, repo) {
    await repo.assertDatasetExists(draft.datasetId);
    return { kind: 'hash', ...draft };
  },

  toRecord: () => ({ split: 'hashes', annotationPath: '', imageDir: null, maskDir: null, options: {} }),

  fromRecord: (row) => ({ kind: 'hash', datasetId: Number(row.dataset_id) }),

  describe: () => ({}),

  ownsDataset: () => false,

  run: (job, side, context, options) => hashImages({ datasetId: job.request.datasetId, jobId: job.id }, context.services, side, options),

  summarise: (s) => ({
    current: s.hashed + s.failed,
    total: s.hashed + s.failed,
    images: 0,
    annotations: 0,
    message: `hashed ${s.hashed} images (${s.failed} could not be read) in ${(s.duration_ms / 1000).toFixed(1)} s`,
  }),

  settleFailure: async () => undefined,
};

import { conflict } from '../../errors.js';
import type { OnInvalid } from '../../pipeline/IngestRequest.js';
import { loadPredictions, type PredictionsSummary } from '../../pipeline/loadPredictions.js';
import { STAGES } from '../../progress/StageProgress.js';
import type { JobKind, JobRequestBase } from '../JobKind.js';

/** A results file loaded beside a dataset's ground truth as a named prediction set. */
export interface PredictionsJobRequest extends JobRequestBase {
  kind: 'predictions';
  /** The set's name, unique within the dataset. */
  name: string;
  /** The results file, checked against the ingest roots. */
  annotationPath: string;
  onInvalid: OnInvalid;
}

/** A prediction set loaded beside the ground truth. */
export const predictionsJob: JobKind<PredictionsJobRequest, PredictionsSummary, Omit<PredictionsJobRequest, 'kind'>> = {
  name: 'predictions',
  stages: STAGES,
  tellsPlugins: true,
  progressPlan: () => ({ parts: [{ stages: ['results'], measure: 'bytes', weight: 1 }] }),

  async prepare(draft, repo) {
    await repo.assertDatasetExists(draft.datasetId);
    if (await repo.hasPredictionSet(draft.datasetId, draft.name)) {
      throw conflict(`dataset ${draft.datasetId} already has a prediction set named "${draft.name}": delete it first or give another name`);
    }
    return { kind: 'predictions', ...draft };
  },

  created: (r, jobId, repo) => repo.openPredictionSet(r.datasetId, r.name, jobId),

  toRecord: (r) => ({ split: r.name, annotationPath: r.annotationPath, imageDir: null, maskDir: null, options: { on_invalid: r.onInvalid } }),

  fromRecord: (row) => ({
    kind: 'predictions',
    datasetId: Number(row.dataset_id),
    name: row.split,
    annotationPath: row.annotation_path,
    onInvalid: (row.options.on_invalid as OnInvalid | undefined) ?? 'fail',
  }),

  describe: (r) => ({ predictions: r.name, annotation_path: r.annotationPath, on_invalid: r.onInvalid }),

  ownsDataset: () => false,

  run: (job, lifecycle, context, options) => loadPredictions({ ...job.request, jobId: job.id }, context.services, lifecycle, options),

  summarise: (s) => ({
    current: s.prediction_count,
    total: s.prediction_count,
    images: 0,
    annotations: 0,
    message: `loaded ${s.prediction_count} predictions as "${s.name}" in ${(s.duration_ms / 1000).toFixed(1)} s`,
  }),

  async settleFailure(_r, jobId, _status, failure, { repo }) {
    await repo.failPredictionSet(jobId, failure.message);
  },
};

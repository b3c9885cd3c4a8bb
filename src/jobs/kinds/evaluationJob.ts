import { availableParallelism } from 'node:os';
import type { EvaluationRepository } from '../../db/EvaluationRepository.js';
import { CHANNELS, type EvaluationEndedMessage } from '../../diagnostics/channels.js';
import { AppError, conflict, invalidRequest, notFound } from '../../errors.js';
import type { IouType } from '../../evaluation/evaluationTypes.js';
import { type EvaluationRequest, type EvaluationSummary, evaluateSplit } from '../../pipeline/evaluateSplit.js';
import { EVALUATION_STAGES } from '../../progress/StageProgress.js';
import type { JobKind, JobRequestBase } from '../JobKind.js';

/** The longest evaluation name the routes take (`GET /datasets/{id}/evaluations/{name}`). */
const MAX_EVALUATION_NAME = 64;

/** A COCO evaluation of a prediction set against a split of its dataset: the work's request, less the job id it gets when it runs. */
export interface EvaluationJobRequest extends JobRequestBase, Omit<EvaluationRequest, 'jobId'> {
  kind: 'evaluation';
}

/** What `POST /datasets/{id}/evaluations` asks for: the split and name may be left to their defaults. */
export interface EvaluationDraft {
  datasetId: number;
  predictions: string;
  iouType: IouType;
  split?: string | undefined;
  name?: string | undefined;
  sigmas?: number[] | undefined;
}

/** The job's start, for the duration the metrics observe (a job's own clock is the scheduler's). */
const startedAt = new Map<string, number>();

/** Says that an evaluation ended, on its diagnostics channel (the metrics listen). */
function published(owner: EvaluationRepository, jobId: string, iouType: string, status: EvaluationEndedMessage['status']): void {
  const started = startedAt.get(jobId);
  startedAt.delete(jobId);
  if (!CHANNELS.evaluationEnded.hasSubscribers) return;
  const message: EvaluationEndedMessage = { owner, iouType, status, seconds: started === undefined ? 0 : (performance.now() - started) / 1000 };
  CHANNELS.evaluationEnded.publish(message);
}

/** COCO evaluation of a prediction set, stored beside it. */
export const evaluationJob: JobKind<EvaluationJobRequest, EvaluationSummary, EvaluationDraft> = {
  name: 'evaluation',
  stages: EVALUATION_STAGES,
  tellsPlugins: false,
  progressPlan: () => ({
    parts: [
      { stages: ['matching'], measure: 'count', weight: 9 },
      { stages: ['accumulating'], measure: 'count', weight: 1 },
    ],
  }),

  async prepare(draft, repo) {
    await repo.assertDatasetExists(draft.datasetId);
    const evaluations = repo.evaluations;
    if (!(await evaluations.predictionSetReady(draft.datasetId, draft.predictions))) throw notFound('prediction set', draft.predictions);
    const splits = await evaluations.splits(draft.datasetId);
    let split = splits.find((s) => s.split === draft.split);
    if (draft.split === undefined) {
      if (splits.length > 1) {
        throw invalidRequest(
          `invalid request body: split: dataset ${draft.datasetId} has ${splits.length} splits (${splits.map((s) => s.split).join(', ')}): say which one`,
          {
            fields: ['split'],
          },
        );
      }
      split = splits[0];
      if (!split) throw conflict(`dataset ${draft.datasetId} has no complete split to evaluate against`);
    }
    if (!split) throw notFound('split', draft.split ?? '');
    const name = draft.name ?? `${draft.predictions}-${draft.iouType}`;
    // A name the routes could not name again: longer than theirs (a long set's default), or the compare route's.
    if (name.length > MAX_EVALUATION_NAME || name === 'compare') {
      throw invalidRequest(
        `invalid request body: name: "${name}" cannot name an evaluation (at most ${MAX_EVALUATION_NAME} characters, not "compare"): give a name`,
        {
          fields: ['name'],
        },
      );
    }
    if (await evaluations.exists(draft.datasetId, name)) {
      throw conflict(`dataset ${draft.datasetId} already has an evaluation named "${name}": delete it first or give another name`);
    }
    return {
      kind: 'evaluation',
      datasetId: draft.datasetId,
      name,
      predictions: draft.predictions,
      iouType: draft.iouType,
      split: split.split,
      splitJobId: split.jobId,
      sigmas: draft.sigmas ?? null,
    };
  },

  created: (r, jobId, repo) =>
    repo.evaluations.open({
      datasetId: r.datasetId,
      name: r.name,
      jobId,
      predictions: r.predictions,
      iouType: r.iouType,
      split: r.split,
      params: r.sigmas === null ? {} : { sigmas: r.sigmas },
    }),

  toRecord: (r) => ({
    split: r.name,
    annotationPath: '',
    imageDir: null,
    maskDir: null,
    options: { predictions: r.predictions, iou_type: r.iouType, split: r.split, split_job_id: r.splitJobId, sigmas: r.sigmas },
  }),

  fromRecord: (row) => ({
    kind: 'evaluation',
    datasetId: Number(row.dataset_id),
    name: row.split,
    predictions: String(row.options.predictions),
    iouType: row.options.iou_type as IouType,
    split: String(row.options.split),
    splitJobId: String(row.options.split_job_id),
    sigmas: (row.options.sigmas as number[] | null | undefined) ?? null,
  }),

  describe: (r) => ({ evaluation: r.name, predictions: r.predictions, iou_type: r.iouType, split: r.split }),

  ownsDataset: () => false,

  async run(job, side, context, options) {
    startedAt.set(job.id, performance.now());
    const { db, matcher } = context.services;
    if (!matcher) throw new AppError('NOT_IMPLEMENTED', 'this service has no worker pool to match images with');
    const summary = await evaluateSplit(
      { ...job.request, jobId: job.id },
      { db, evaluations: context.repo.evaluations, matcher, workers: availableParallelism() },
      side,
      options,
    );
    published(context.repo.evaluations, job.id, job.request.iouType, 'complete');
    return summary;
  },

  summarise: (s) => ({
    current: s.image_count,
    total: s.image_count,
    images: 0,
    annotations: 0,
    message: `evaluated "${s.predictions}" (${s.iou_type}) on ${s.image_count} images of ${s.split}: AP ${s.summary[0]?.toFixed(3)} in ${(s.duration_ms / 1000).toFixed(1)} s`,
  }),

  async settleFailure(r, jobId, status, failure, { repo }) {
    await repo.evaluations.fail(jobId, failure.message);
    published(repo.evaluations, jobId, r.iouType, status);
  },
};

import type { Database } from '../db/Database.js';
import type { EvaluationCategory, EvaluationRepository } from '../db/EvaluationRepository.js';
import { type EvaluationChunk, EvaluationRowReader } from '../db/EvaluationRowReader.js';
import { AppError } from '../errors.js';
import { EvaluationAccumulator } from '../evaluation/EvaluationAccumulator.js';
import { IMAGE, sliceBatch } from '../evaluation/EvaluationBatch.js';
import { COCO_KEYPOINT_SIGMAS } from '../evaluation/evaluationParams.js';
import type { EvalSettings, EvaluationFigures, IouType } from '../evaluation/evaluationTypes.js';
import { resultsBranch } from '../evaluation/resultsBranch.js';
import type { StageOptions } from '../progress/StageProgress.js';
import { readAhead } from '../util/readAhead.js';
import { EvaluationWriter } from './EvaluationWriter.js';
import { EVALUATION_DEFAULTS } from './evaluationDefaults.js';
import { evaluationRecord } from './evaluationRecord.js';
import type { IngestJobSide } from './IngestRequest.js';
import { type ImageMatcher, MatchDispatcher, type MatchedBatch } from './MatchDispatcher.js';

/** One evaluation to run. */
export interface EvaluationRequest {
  datasetId: number;
  jobId: string;
  /** The evaluation's name, unique within the dataset. */
  name: string;
  /** The prediction set evaluated. */
  predictions: string;
  iouType: IouType;
  split: string;
  /** The split's ingest job, whose samples and annotations are the ground truth. */
  splitJobId: string;
  /** OKS sigmas for keypoints; null: COCO's 17. */
  sigmas: number[] | null;
}

/** What an evaluation's work needs of the service. */
export interface EvaluationServices {
  db: Database;
  evaluations: EvaluationRepository;
  matcher: ImageMatcher;
  /** Worker threads of the pool, for the number of batches in flight. */
  workers: number;
  /** Images read from DuckDB per query; default `EVALUATION_DEFAULTS.chunkImages` (1,024). */
  chunkImages?: number;
}

/** The `complete` event's data of an evaluation. */
export interface EvaluationSummary extends Record<string, unknown> {
  dataset_id: number;
  job_id: string;
  evaluation: string;
  predictions: string;
  iou_type: IouType;
  split: string;
  image_count: number;
  /** COCOeval's `stats`, in its order. */
  summary: number[];
  stats: Record<string, number>;
  duration_ms: number;
  timings_ms: { matching: number; accumulating: number; commit: number };
}

/**
 * Runs COCO evaluation of a prediction set against a split: its images read
 * from DuckDB in COCO id order a chunk at a time, matched in the worker pool in
 * batches (at most a few in flight), their results accumulated strictly in image
 * order and their outcome rows appended as they come, and everything committed
 * in one transaction with the evaluation's figures and the job's row.
 */
export async function evaluateSplit(
  request: EvaluationRequest,
  services: EvaluationServices,
  job: Pick<IngestJobSide, 'commitRows'>,
  options: StageOptions,
): Promise<EvaluationSummary> {
  const started = performance.now();
  const source = { datasetId: request.datasetId, splitJobId: request.splitJobId, predictions: request.predictions };
  const categories = await services.evaluations.categories(request.datasetId);
  const settings = await settingsFor(request, new EvaluationRowReader(services.db, source), categories);
  // Only what matching reads: the ground truth's masks or keypoints for their IoU type; the
  // results' also when loadRes derives their boxes from them (their branch).
  const { iouType, branch } = settings;
  const reader = new EvaluationRowReader(services.db, {
    ...source,
    columns: {
      gt: { segmentation: iouType === 'segm', keypoints: iouType === 'keypoints' },
      dt: { segmentation: iouType === 'segm' || branch === 'segm', keypoints: iouType === 'keypoints' || branch === 'keypoints' },
    },
  });
  const total = await reader.imageCount();
  const writer = await EvaluationWriter.begin(services.db, { datasetId: request.datasetId, name: request.name });
  const dispatcher = new MatchDispatcher(services.matcher, settings, {
    signal: options.signal,
    maxInFlight: Math.max(2, services.workers * EVALUATION_DEFAULTS.batchesPerWorker),
  });
  const accumulator = new EvaluationAccumulator(settings.iouType, settings.catIds);
  let matched = 0;
  const deliver = (batch: MatchedBatch) => {
    accumulator.add(batch.matches);
    writer.add(batch);
    matched += batch.sampleIds.length;
    options.onProgress({ stage: 'matching', current: matched, total, message: `matched ${matched} of ${total} images` });
  };
  try {
    options.onProgress({ stage: 'matching', current: 0, total, message: `matching ${total} images` });
    // The next chunk is read while this one's batches are matched.
    for await (const chunk of readAhead(reader.chunks(services.chunkImages ?? EVALUATION_DEFAULTS.chunkImages))) {
      options.signal.throwIfAborted();
      for (const batch of batches(chunk)) await dispatcher.send(batch, deliver);
    }
    await dispatcher.drain(deliver);
    options.onProgress({ stage: 'matching', current: matched, total, message: `matched ${matched} images`, done: true });
    const matchingMs = performance.now() - started;
    options.onProgress({ stage: 'accumulating', current: 0, total: 1, message: 'accumulating per category' });
    const figures: EvaluationFigures = accumulator.finish();
    options.signal.throwIfAborted();
    options.onProgress({ stage: 'accumulating', current: 1, total: 1, message: 'accumulated', done: true });
    const accumulatingMs = performance.now() - started - matchingMs;
    const summary: EvaluationSummary = {
      dataset_id: request.datasetId,
      job_id: request.jobId,
      evaluation: request.name,
      predictions: request.predictions,
      iou_type: request.iouType,
      split: request.split,
      image_count: matched,
      summary: figures.summary,
      stats: figures.stats,
      duration_ms: 0,
      timings_ms: { matching: Math.round(matchingMs), accumulating: Math.round(accumulatingMs), commit: 0 },
    };
    const committing = performance.now();
    summary.duration_ms = Math.round(committing - started);
    // The categories read at the start, which the accumulation's catIds came from.
    const record = evaluationRecord(figures, categories, writer.counts, summary.duration_ms);
    await writer.commit(async (conn) => {
      await services.evaluations.readyInTransaction(request.jobId, record)(conn);
      await job.commitRows(summary, { info: null, licenses: null })(conn);
    });
    summary.timings_ms.commit = Math.round(performance.now() - committing);
    summary.duration_ms = Math.round(performance.now() - started);
    return summary;
  } catch (err) {
    await dispatcher.settle();
    await writer.rollback();
    throw err;
  } finally {
    await writer.close();
  }
}

/** What every image is matched with: the ground truth's categories, the set's `loadRes` branch, the sigmas. */
async function settingsFor(request: EvaluationRequest, reader: EvaluationRowReader, categories: EvaluationCategory[]): Promise<EvalSettings> {
  const first = await reader.firstResult();
  if (first === null) throw new AppError('EVALUATION_UNSUITABLE', `prediction set "${request.predictions}" has no results to evaluate`);
  let branch: EvalSettings['branch'];
  try {
    branch = resultsBranch(first);
  } catch (err) {
    throw new AppError('EVALUATION_UNSUITABLE', `prediction set "${request.predictions}": ${(err as Error).message}`);
  }
  // OKS needs the results' keypoints: a set without them (boxes alone) has nothing to score, said before any work.
  if (request.iouType === 'keypoints' && first.keypoints === undefined) {
    throw new AppError(
      'EVALUATION_UNSUITABLE',
      `prediction set "${request.predictions}" has no keypoints (its first result has none): it cannot be evaluated as keypoints`,
    );
  }
  const sigmas = request.sigmas ?? [...COCO_KEYPOINT_SIGMAS];
  if (request.iouType === 'keypoints') {
    const odd = categories.find((c) => c.keypointCount !== null && c.keypointCount > 0 && c.keypointCount !== sigmas.length);
    if (odd) {
      throw new AppError(
        'EVALUATION_SIGMAS_MISMATCH',
        `category ${odd.id} ("${odd.name}") has ${odd.keypointCount} keypoints and the evaluation ${sigmas.length} OKS sigmas` +
          `${request.sigmas === null ? " (COCO's)" : ''}: give one sigma per keypoint in "sigmas"`,
      );
    }
  }
  return { iouType: request.iouType, branch, catIds: categories.map((c) => c.id), sigmas };
}

/** A chunk's images in batches of at most `batchImages` images or about `batchRows` rows. */
function* batches(chunk: EvaluationChunk): Generator<EvaluationChunk> {
  const { images } = chunk.batch;
  const count = chunk.sampleIds.length;
  let from = 0;
  let gtStart = 0;
  let dtStart = 0;
  let gts = 0;
  let dts = 0;
  for (let i = 0; i < count; i++) {
    gts += images[i * IMAGE.stride + IMAGE.gts]!;
    dts += images[i * IMAGE.stride + IMAGE.dts]!;
    const rows = gts + dts + (i + 1 - from);
    if (i + 1 === count || i + 1 - from >= EVALUATION_DEFAULTS.batchImages || rows >= EVALUATION_DEFAULTS.batchRows) {
      const rows = { gtStart, gtEnd: gtStart + gts, dtStart, dtEnd: dtStart + dts };
      yield { batch: sliceBatch(chunk.batch, from, i + 1, rows), sampleIds: chunk.sampleIds.slice(from, i + 1) };
      from = i + 1;
      gtStart += gts;
      dtStart += dts;
      gts = 0;
      dts = 0;
    }
  }
}

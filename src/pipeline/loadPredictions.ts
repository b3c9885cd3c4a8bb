import path from 'node:path';
import { invalidAnnotations } from '../errors.js';
import { READ_ANNOTATION_DEFAULTS, readAnnotationFile } from '../formats/readAnnotationFile.js';
import { resultsFormat } from '../formats/results/resultsFormat.js';
import type { IngestJobSide, IngestOptions, IngestServices, OnInvalid } from './IngestRequest.js';
import { IngestTimings } from './IngestTimings.js';
import { ParseProgress } from './ParseProgress.js';
import { PredictionWriter } from './PredictionWriter.js';
import { SkipReporter } from './SkipReporter.js';

/** One prediction set to load. */
export interface PredictionsRequest {
  datasetId: number;
  jobId: string;
  /** The set's name, unique within the dataset. */
  name: string;
  /** The results file, already checked against the ingest roots. */
  annotationPath: string;
  /** Default `fail`. */
  onInvalid?: OnInvalid;
}

/** The figures of a loaded prediction set: the `complete` event's data. */
export interface PredictionsSummary extends Record<string, unknown> {
  dataset_id: number;
  job_id: string;
  name: string;
  format: 'results';
  prediction_count: number;
  skipped: { results: number };
  warnings: number;
  duration_ms: number;
  timings_ms: { read: number; store: number; checks: number; commit: number };
}

/**
 * Loads a COCO results file beside a dataset's ground truth as a named
 * prediction set: streamed like an annotation file (never held whole), every
 * result checked against the dataset's images and categories, and stored all
 * or nothing. The ground truth and its counts never change.
 */
export async function loadPredictions(
  request: PredictionsRequest,
  services: IngestServices,
  job: Pick<IngestJobSide, 'commitRows'>,
  options: IngestOptions,
): Promise<PredictionsSummary> {
  const started = performance.now();
  const file = path.posix.basename(request.annotationPath);
  const store = services.storage.storeFor(request.annotationPath);
  const bytes = (await store.stat(request.annotationPath)).size;
  let warnings = 0;
  const skips = new SkipReporter((warning) => {
    warnings++;
    options.onWarning(warning);
  });
  const writer = await PredictionWriter.begin(services.db, { datasetId: request.datasetId, jobId: request.jobId, name: request.name, file }, services.ids);
  if (request.onInvalid === 'skip') writer.skipInvalid(skips.skip);
  const progress = new ParseProgress(options.onProgress, bytes);
  const reader = readAnnotationFile(store.readChunks(request.annotationPath, { chunkBytes: READ_ANNOTATION_DEFAULTS.highWaterMark, signal: options.signal }), {
    file,
    signal: options.signal,
    formats: [resultsFormat],
    totalBytes: bytes,
    onProgress: progress.bytes,
    onInvalidRecord: request.onInvalid === 'skip' ? skips.invalid : undefined,
    parser: services.parser ?? null,
  });
  const timings = new IngestTimings();
  try {
    for (;;) {
      const next = await timings.reading(() => reader.next());
      if (next.done) break;
      await timings.storing(async () => {
        for (const event of next.value) {
          if (event.kind === 'result') writer.add(event.record, event.index);
          else if (event.kind === 'end') progress.sectionEnd('results', event.count);
          else throw invalidAnnotations(`${file}: not a COCO results file`);
        }
        progress.inSection('results');
        progress.batchEnd(() => writer.count);
        await writer.flushDue();
        return 0;
      });
    }
    const checking = performance.now();
    await writer.check(resultsFormat.rules);
    const checksMs = performance.now() - checking;
    const summary: PredictionsSummary = {
      dataset_id: request.datasetId,
      job_id: request.jobId,
      name: request.name,
      format: 'results',
      prediction_count: writer.count,
      skipped: { results: skips.counts.results },
      warnings,
      duration_ms: 0,
      timings_ms: { read: Math.round(timings.read), store: Math.round(timings.store), checks: Math.round(checksMs), commit: 0 },
    };
    const committing = performance.now();
    summary.duration_ms = Math.round(committing - started);
    await writer.commit(job.commitRows(summary, { info: null, licenses: null }));
    summary.timings_ms.commit = Math.round(performance.now() - committing);
    summary.duration_ms = Math.round(performance.now() - started);
    return summary;
  } catch (err) {
    await writer.rollback();
    throw err;
  } finally {
    await reader.return();
    await writer.close();
  }
}

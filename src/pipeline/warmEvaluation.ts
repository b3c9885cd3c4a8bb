import type { Database } from '../db/Database.js';
import { EvaluationAccumulator } from '../evaluation/EvaluationAccumulator.js';
import { IMAGE } from '../evaluation/EvaluationBatch.js';
import type { IouType } from '../evaluation/evaluationTypes.js';
import { warmUpSettings, warmUpTask } from '../evaluation/warmUpTask.js';
import { EvaluationWriter } from './EvaluationWriter.js';
import { EVALUATION_DEFAULTS } from './evaluationDefaults.js';
import { type ImageMatcher, MatchDispatcher, type MatchedBatch } from './MatchDispatcher.js';

/** What the warm-up runs on: the pool that matches, the database the outcome rows are appended to (and rolled back). */
export interface WarmEvaluationServices {
  matcher: ImageMatcher;
  db: Database;
}

/** Options of {@link warmEvaluation}. */
export interface WarmEvaluationOptions {
  /** Ends the warm-up early (the service closing). */
  signal: AbortSignal;
  /** Synthetic images per IoU type (`EVALUATION_WARM_UP_IMAGES`; the benchmark's evaluation section uses 2,000). */
  images: number;
}

/**
 * Runs a synthetic evaluation of each IoU type through the pool, the
 * accumulation and the outcome tables' appenders, as a real one runs
 * (`evaluateSplit` but reading, and with its transaction rolled back),
 * so that the worker threads' matching and the main thread's dispatch and
 * accumulation are compiled before a real job needs them. Fresh, V8 runs them
 * interpreted at first: a fresh service's first 5,000-image bbox evaluation
 * took about twice the time of the same job run again.
 * @returns the milliseconds it took
 * @throws the signal's reason when aborted; an error when the synthetic input does not match (a bug)
 */
export async function warmEvaluation(services: WarmEvaluationServices, options: WarmEvaluationOptions): Promise<number> {
  const started = performance.now();
  const { images } = options;
  const per = EVALUATION_DEFAULTS.batchImages;
  for (const iouType of ['bbox', 'segm', 'keypoints'] as IouType[]) {
    const settings = warmUpSettings(iouType);
    const accumulator = new EvaluationAccumulator(iouType, settings.catIds);
    const dispatcher = new MatchDispatcher(services.matcher, settings, { signal: options.signal, maxInFlight: 4 });
    // The outcome rows are appended as a real job's are, in a transaction that is rolled back: no row is ever seen.
    const writer = await EvaluationWriter.begin(services.db, { datasetId: -1, name: '(warm-up)' });
    const deliver = (matched: MatchedBatch) => {
      accumulator.add(matched.matches);
      writer.add(matched);
    };
    try {
      for (let from = 0; from < images; from += per) {
        options.signal.throwIfAborted();
        const { batch } = warmUpTask(iouType, from, Math.min(per, images - from));
        const sampleIds = new Float64Array(batch.images.length / IMAGE.stride).map((_, i) => from + i + 1);
        await dispatcher.send({ batch, sampleIds }, deliver);
      }
      await dispatcher.drain(deliver);
      accumulator.finish();
    } finally {
      await dispatcher.settle();
      // Rolls the transaction back, then releases the connection, whatever the rollback does.
      await writer.close();
    }
  }
  return performance.now() - started;
}

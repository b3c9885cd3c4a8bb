import { EvaluationAccumulator } from '../evaluation/EvaluationAccumulator.js';
import type { IouType } from '../evaluation/evaluationTypes.js';
import { warmUpTask } from '../evaluation/warmUpTask.js';
import { EVALUATION_DEFAULTS } from './evaluationDefaults.js';
import { type ImageMatcher, MatchDispatcher } from './MatchDispatcher.js';

/** Options of {@link warmEvaluation}. */
export interface WarmEvaluationOptions {
  /** Ends the warm-up early (the service closing). */
  signal: AbortSignal;
  /** Synthetic images per IoU type. Default `EVALUATION_DEFAULTS.warmUpImages` (2,000). */
  images?: number;
}

/**
 * Runs a synthetic evaluation of each IoU type through the pool and the
 * accumulation, as a real one runs (`evaluateSplit` without the database),
 * so that the worker threads' matching and the main thread's dispatch and
 * accumulation are compiled before a real job needs them. Fresh, V8 runs them
 * interpreted at first: a fresh service's first 5,000-image bbox evaluation
 * took about twice the time of the same job run again.
 * @returns the milliseconds it took
 * @throws the signal's reason when aborted; an error when the synthetic input does not match (a bug)
 */
export async function warmEvaluation(matcher: ImageMatcher, options: WarmEvaluationOptions): Promise<number> {
  const started = performance.now();
  const images = options.images ?? EVALUATION_DEFAULTS.warmUpImages;
  const per = EVALUATION_DEFAULTS.batchImages;
  for (const iouType of ['bbox', 'segm', 'keypoints'] as IouType[]) {
    const { settings } = warmUpTask(iouType, 0, 1);
    const accumulator = new EvaluationAccumulator(iouType, settings.catIds);
    const dispatcher = new MatchDispatcher(matcher, settings, { signal: options.signal, maxInFlight: 4 });
    const deliver = ({ matches }: { matches: Parameters<EvaluationAccumulator['add']>[0] }) => accumulator.add(matches);
    try {
      for (let from = 0; from < images; from += per) {
        options.signal.throwIfAborted();
        const { batch } = warmUpTask(iouType, from, Math.min(per, images - from));
        await dispatcher.send({ batch, sampleIds: new Float64Array(0) }, deliver);
      }
      await dispatcher.drain(deliver);
    } finally {
      await dispatcher.settle();
    }
    accumulator.finish();
  }
  return performance.now() - started;
}

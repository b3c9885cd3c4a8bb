import type { Logger } from 'pino';
import { type WarmEvaluationServices, warmEvaluation } from '../pipeline/warmEvaluation.js';

/** A warm-up running in the background, and how to end it. */
export interface WarmUpHandle {
  /** Aborts the warm-up if it still runs and waits for it to end. Never rejects. */
  stop(): Promise<void>;
}

/**
 * Starts the evaluation warm-up (`warmEvaluation`) of `images` synthetic
 * images per IoU type in the background, so the service answers at once; a
 * job that comes meanwhile shares the pool with it. Its failure is logged,
 * not thrown: a warm-up only saves time. `images` 0 starts nothing.
 */
export function warmUpEvaluation(services: WarmEvaluationServices, images: number, log: Logger): WarmUpHandle {
  if (images === 0) return { stop: async () => undefined };
  const controller = new AbortController();
  const done = warmEvaluation(services, { signal: controller.signal, images }).then(
    (ms) => log.info({ images, ms: Math.round(ms) }, `evaluation code compiled on ${images} synthetic images per IoU type`),
    (err: unknown) => {
      if (!controller.signal.aborted) log.warn({ err }, 'evaluation warm-up failed');
    },
  );
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}

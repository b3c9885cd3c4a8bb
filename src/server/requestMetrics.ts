import type { Middleware } from 'koa';
import { CHANNELS, type HttpAnsweredMessage } from '../diagnostics/channels.js';

/**
 * Says, on its diagnostics channel, how long each request took, by method,
 * route pattern and status (the metrics listen). The pattern, never the path:
 * ids in paths would make a label value per dataset and sample.
 * @param owner the service's events owner (its `JobScheduler`).
 */
export function requestMetrics(owner: object): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (CHANNELS.httpAnswered.hasSubscribers) {
        const message: HttpAnsweredMessage = {
          owner,
          method: ctx.method,
          route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched',
          status: ctx.status,
          seconds: (performance.now() - started) / 1000,
        };
        CHANNELS.httpAnswered.publish(message);
      }
    }
  };
}

import type Router from '@koa/router';
import type { Service } from '../Service.js';

/** `GET /healthz`: the database answers, the pool's state, and the largest upload taken (for clients to check before sending). */
export function healthRoutes(router: Router, service: Service): void {
  router.get('/healthz', async (ctx) => {
    await service.db.query('SELECT 1');
    ctx.body = {
      status: 'ok',
      workers: service.config.workers,
      pool: service.pool.stats,
      jobs: service.jobs.list().filter((j) => !j.finished).length,
      max_upload_bytes: service.config.uploads.maxBytes,
      // Not a secret: a client asks for the token before sending a large upload, not after its 401.
      token_required: service.config.apiToken !== null,
    };
  });
}

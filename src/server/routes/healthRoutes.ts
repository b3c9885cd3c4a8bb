import type Router from '@koa/router';
import type { Service } from '../startService.js';

/** `GET /healthz`: the database answers and the pool's state. */
export function healthRoutes(router: Router, service: Service): void {
  router.get('/healthz', async (ctx) => {
    await service.db.query('SELECT 1');
    ctx.body = { status: 'ok', workers: service.config.workers, pool: service.pool.stats, jobs: service.jobs.list().filter((j) => !j.finished).length };
  });
}

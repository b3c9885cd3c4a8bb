import type Router from '@koa/router';
import type { Service } from '../Service.js';

/** `GET /metrics`: the service's metrics in Prometheus' text format. */
export function metricsRoutes(router: Router, service: Service): void {
  router.get('/metrics', async (ctx) => {
    ctx.type = service.metrics.contentType;
    ctx.body = await service.metrics.metrics();
  });
}

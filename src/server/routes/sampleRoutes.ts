import type Router from '@koa/router';
import type { Service } from '../startService.js';
import { annotationsQuery, sampleRefQuery, samplesQuery } from '../schemas.js';
import { idParam, validate } from '../validate.js';

/** `GET /samples`, `GET /samples/{id}` and `GET /samples/{id}/annotations`. */
export function sampleRoutes(router: Router, service: Service): void {

  router.get('/samples', async (ctx) => {
    const q = validate(samplesQuery, ctx.query, 'query');
    const { items, total } = await service.samples.list({
      datasetId: q.dataset_id,
      category: q.category,
      split: q.split,
      offset: q.offset,
      limit: q.limit,
    });
    ctx.body = { items, total, offset: q.offset, limit: q.limit };
  });

  router.get('/samples/:id', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'sample id');
    const q = validate(sampleRefQuery, ctx.query, 'query');
    ctx.body = await service.samples.get(id, q.dataset_id);
  });

  router.get('/samples/:id/annotations', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'sample id');
    const q = validate(annotationsQuery, ctx.query, 'query');
    ctx.body = {
      items: await service.samples.annotations(id, q.dataset_id, {
        ...(q.predictions === undefined ? {} : { predictions: q.predictions }),
        ...(q.min_score === undefined ? {} : { minScore: q.min_score }),
      }),
    };
  });

}

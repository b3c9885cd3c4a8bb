import type Router from '@koa/router';
import { invalidRequest } from '../../errors.js';
import type { Service } from '../Service.js';
import { decodeAnyCursor, encodeCursor, encodeErrorsCursor } from '../sampleCursor.js';
import { annotationsQuery, sampleRefQuery, samplesQuery } from '../schemas.js';
import { idParam, validate } from '../validate.js';

/** `GET /samples`, `GET /samples/{id}` and `GET /samples/{id}/annotations`. */
export function sampleRoutes(router: Router, service: Service): void {
  router.get('/samples', async (ctx) => {
    const q = validate(samplesQuery, ctx.query, 'query');
    const cursor = q.cursor === undefined ? undefined : decodeAnyCursor(q.cursor);
    const byErrors = q.sort === 'errors';
    if (cursor !== undefined && byErrors !== (cursor.afterErrors !== null)) {
      throw invalidRequest('invalid query: cursor: must be a cursor from next_cursor of the same sort', { fields: ['cursor'] });
    }
    const { items, total, nextAfterId, nextErrors } = await service.samples.list({
      datasetId: q.dataset_id,
      category: q.category,
      split: q.split,
      iscrowd: q.iscrowd,
      area: q.area,
      minAnnotations: q.min_annotations,
      maxAnnotations: q.max_annotations,
      hasImageError: q.has_image_error,
      predictions: q.predictions,
      minScore: q.predictions === undefined ? undefined : q.min_score,
      duplicates: q.duplicates,
      check: q.check,
      offset: q.offset,
      limit: q.limit,
      evaluation: q.evaluation,
      outcome: q.outcome,
      sort: q.sort,
      regressed: q.regressed as [string, string] | undefined,
      confusion: q.confusion as [number | null, number | null] | undefined,
      confusionMinScore: q.confusion === undefined ? undefined : q.min_score,
      afterId: cursor?.afterId,
      afterErrors: cursor?.afterErrors ?? undefined,
      // A cursor walk counts once, on its first page, unless asked to.
      withTotal: q.total ?? q.cursor === undefined,
      withBoxes: q.boxes ?? false,
    });
    ctx.body = {
      items,
      ...(total === null ? {} : { total }),
      offset: q.offset,
      limit: q.limit,
      next_cursor: nextAfterId === null ? null : nextErrors === null ? encodeCursor(nextAfterId) : encodeErrorsCursor(nextErrors, nextAfterId),
    };
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
        ...(q.evaluation === undefined ? {} : { evaluation: q.evaluation, evalIou: q.eval_iou === '0.75' ? 0.75 : 0.5 }),
      }),
    };
  });
}

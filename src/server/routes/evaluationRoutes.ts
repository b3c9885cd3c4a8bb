import type Router from '@koa/router';
import { assertComparable } from '../../db/evaluationSampleOrder.js';
import { type EvaluationJobRequest, evaluationJob } from '../../jobs/kinds/evaluationJob.js';
import { compareQuery, evaluationBody, evaluationParam, evaluationQuery } from '../evaluationSchemas.js';
import type { Service } from '../Service.js';
import { idParam, validate } from '../validate.js';
import { answerJob } from './answerJob.js';
import { compareEvaluations } from './compareEvaluations.js';
import { confusionMatrix } from './confusionMatrix.js';

/**
 * `POST /datasets/{id}/evaluations`, `GET /datasets/{id}/evaluations`,
 * `GET /datasets/{id}/evaluations/compare`, `GET` and `DELETE /datasets/{id}/evaluations/{name}`.
 * The compare route is registered before `{name}`, which would take it.
 */
export function evaluationRoutes(router: Router, service: Service): void {
  const evaluations = service.datasets.evaluations;

  router.post('/datasets/:id/evaluations', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const body = validate(evaluationBody, ctx.request.body, 'request body');
    const job = await service.jobs.submit(evaluationJob, {
      datasetId: id,
      predictions: body.predictions,
      iouType: body.iou_type,
      split: body.split,
      name: body.name,
      sigmas: body.sigmas,
    });
    await answerJob(ctx, service, job, { evaluation: job.request.name, predictions: body.predictions, iou_type: body.iou_type, split: job.request.split });
  });

  router.get('/datasets/:id/evaluations', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    await service.datasets.assertDatasetExists(id);
    ctx.body = { items: await evaluations.list(id) };
  });

  router.get('/datasets/:id/evaluations/compare', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const q = validate(compareQuery, ctx.query, 'query');
    const [a, b] = await Promise.all([evaluations.getReady(id, q.a), evaluations.getReady(id, q.b)]);
    assertComparable(a, b);
    ctx.body = compareEvaluations(a, b);
  });

  router.get('/datasets/:id/evaluations/:name', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const name = validate(evaluationParam, ctx.params.name, 'evaluation');
    const q = validate(evaluationQuery, ctx.query, 'query');
    const evaluation = await evaluations.get(id, name);
    const ready = evaluation.status === 'ready';
    ctx.body = { ...evaluation, confusion: ready ? await confusionMatrix(evaluations, id, name, q.min_score ?? 0) : null };
  });

  router.delete('/datasets/:id/evaluations/:name', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const name = validate(evaluationParam, ctx.params.name, 'evaluation');
    const running = service.jobs.activeFor(id).filter((j) => j.spec.kind === evaluationJob.name && (j.request as EvaluationJobRequest).name === name);
    for (const job of running) await service.jobs.cancel(job.id, `cancelled: evaluation ${name} is being deleted`).catch(() => undefined);
    await evaluations.delete(id, name);
    ctx.status = 204;
  });
}

import type Router from '@koa/router';
import { CheckRepository } from '../../db/CheckRepository.js';
import { DuplicateRepository } from '../../db/DuplicateRepository.js';
import { invalidRequest } from '../../errors.js';
import { hashJob } from '../../jobs/kinds/hashJob.js';
import { duplicatesQuery } from '../qualitySchemas.js';
import type { Service } from '../Service.js';
import { idParam, validate } from '../validate.js';
import { answerJob } from './answerJob.js';

/** `GET /datasets/{id}/duplicates`, `POST /datasets/{id}/hashes` and `GET /datasets/{id}/checks`: what is wrong with a dataset. */
export function qualityRoutes(router: Router, service: Service): void {
  const duplicates = new DuplicateRepository(service.db);
  const checks = new CheckRepository(service.db);

  router.get('/datasets/:id/duplicates', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const q = validate(duplicatesQuery, ctx.query, 'query');
    if (q.against === id) throw invalidRequest('against: must be another dataset (without it, a dataset is compared with itself)');
    const answer = await duplicates.find({ datasetId: id, againstId: q.against, maxDistance: q.max_distance, split: q.split });
    ctx.body = {
      dataset_id: id,
      ...(q.against === undefined ? {} : { against: q.against }),
      max_distance: q.max_distance,
      hashed: answer.hashed,
      unhashed: answer.unhashed,
      group_count: answer.groups.length,
      leak_count: answer.groups.filter((g) => g.cross_split).length,
      groups: answer.groups.slice(0, q.limit),
    };
  });

  router.post('/datasets/:id/hashes', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    const job = await service.jobs.submit(hashJob, { datasetId: id });
    await answerJob(ctx, service, job, {});
  });

  router.get('/datasets/:id/checks', async (ctx) => {
    const id = validate(idParam, ctx.params.id, 'dataset id');
    ctx.body = { dataset_id: id, checks: await checks.run(id) };
  });
}

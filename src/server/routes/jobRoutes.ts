import type Router from '@koa/router';
import type { JobRow } from '../../db/DatasetRepository.js';
import { notFound } from '../../errors.js';
import { jobJson } from '../../jobs/Job.js';
import type { JobEvent, JobEventName } from '../../jobs/JobEventLog.js';
import { jobKindNamed } from '../../jobs/jobKinds.js';
import { withArchivePaths } from '../../uploads/withArchivePaths.js';
import type { Service } from '../Service.js';
import { jobIdParam, jobsQuery } from '../schemas.js';
import { streamJobEvents } from '../streamJobEvents.js';
import { validate } from '../validate.js';

/** `GET /jobs`, `GET /jobs/{id}`, `GET /jobs/{id}/events`, `DELETE /jobs/{id}`. */
export function jobRoutes(router: Router, service: Service): void {
  router.get('/jobs', async (ctx) => {
    const { limit } = validate(jobsQuery, ctx.query, 'query');
    const live = service.jobs.list();
    const liveIds = new Set(live.map((j) => j.id));
    const stored = (await service.datasets.listJobs(limit)).filter((row) => !liveIds.has(row.id)).map((row) => fromRow(row, service));
    ctx.body = { items: [...live.map((j) => j.toJSON()), ...stored].slice(0, limit) };
  });

  router.get('/jobs/:id', async (ctx) => {
    const id = validate(jobIdParam, ctx.params.id, 'job id');
    const job = service.jobs.get(id);
    if (job) {
      ctx.body = job.toJSON();
      return;
    }
    const row = await service.datasets.getJob(id);
    if (!row) throw notFound('job', id);
    ctx.body = fromRow(row, service);
  });

  router.get('/jobs/:id/events', async (ctx) => {
    const id = validate(jobIdParam, ctx.params.id, 'job id');
    const job = service.jobs.get(id);
    if (job) {
      await streamJobEvents(ctx, job.events, { keepAliveMs: service.config.sseKeepAliveMs, owner: service.jobs });
      return;
    }
    // A job of an earlier process: its live events are gone; its terminal one is rebuilt from the database.
    const row = await service.datasets.getJob(id);
    if (!row) throw notFound('job', id);
    await streamJobEvents(ctx, terminalFromRow(withArchivePaths(row, service.uploads.filesOf(row.dataset_id))));
  });

  router.delete('/jobs/:id', async (ctx) => {
    const id = validate(jobIdParam, ctx.params.id, 'job id');
    if (!service.jobs.get(id)) {
      const row = await service.datasets.getJob(id);
      if (!row) throw notFound('job', id);
    }
    const job = await service.jobs.cancel(id);
    ctx.body = job.toJSON();
  });
}

/**
 * A stored job in the shape of a live one's JSON (`Job.toJSON`), without its
 * stages; an upload's split names its files as the archive does.
 */
function fromRow(row: JobRow, service: Service): Record<string, unknown> {
  return withArchivePaths(shapeOf(row), service.uploads.filesOf(row.dataset_id));
}

function shapeOf(row: JobRow): Record<string, unknown> {
  const kind = jobKindNamed(row.kind);
  const state = {
    id: row.id,
    status: row.status,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    result: row.result,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error },
  };
  return { ...jobJson(kind, kind.fromRecord(row), state), stages: null, fraction: row.status === 'complete' ? 1 : null, eta_seconds: null };
}

function terminalFromRow(row: JobRow): JobEvent[] {
  if (row.status === 'complete' && row.result) {
    return [stored('complete', { stage: 'complete', current: row.result.image_count, total: row.result.image_count, message: 'complete', ...row.result })];
  }
  const status = row.status === 'cancelled' ? 'cancelled' : 'failed';
  return [
    stored(status, { stage: status, current: 0, total: null, message: row.error ?? status, code: row.error_code, dataset_id: row.dataset_id, job_id: row.id }),
  ];
}

/** The one event a finished job of an earlier process is answered with. */
function stored(event: JobEventName, data: Record<string, unknown>): JobEvent {
  return { id: 1, event, data, json: JSON.stringify(data) };
}

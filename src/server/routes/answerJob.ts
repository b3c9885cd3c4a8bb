import type { Context } from 'koa';
import type { Job } from '../../jobs/Job.js';
import type { Service } from '../Service.js';
import { streamJobEvents } from '../streamJobEvents.js';

/** A queued job as the POST that made it answers: its SSE stream when the client asks for one, else 202 with where to watch it. */
export async function answerJob(ctx: Context, service: Service, job: Job, what: Record<string, string>): Promise<void> {
  if (ctx.accepts('json', 'text/event-stream') === 'text/event-stream') {
    await streamJobEvents(ctx, job.events, { keepAliveMs: service.config.sseKeepAliveMs, owner: service.jobs });
    return;
  }
  ctx.status = 202;
  ctx.set('Location', `/jobs/${job.id}`);
  ctx.body = {
    job_id: job.id,
    dataset_id: job.spec.datasetId,
    ...what,
    status: job.status,
    status_url: `/jobs/${job.id}`,
    events_url: `/jobs/${job.id}/events`,
  };
}

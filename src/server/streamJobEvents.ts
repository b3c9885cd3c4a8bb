import { once } from 'node:events';
import { createSession } from 'better-sse';
import type { Context } from 'koa';
import { CHANNELS, type SseWatcherMessage } from '../diagnostics/channels.js';
import type { JobEvent, JobEventLog } from '../jobs/JobEventLog.js';

/** Options of {@link streamJobEvents}. */
export interface StreamJobEventsOptions {
  /** Keep-alive comment interval on idle streams, ms; default 15000. */
  keepAliveMs?: number;
  /** Whose watcher this is, for the diagnostics channel (the service's `JobScheduler`); default none, nothing published. */
  owner?: object;
}

/**
 * Streams a job's events as Server-Sent Events: first the kept events after the
 * client's `Last-Event-ID` (all of them without one), then live ones until the
 * terminal event, after which the response ends. The replay and the
 * subscription happen in one synchronous step, so no event falls between them.
 * This is the one place that knows job events travel as SSE (better-sse).
 * A watcher that disconnects only deregisters; the job goes on.
 */
export async function streamJobEvents(ctx: Context, source: JobEventLog | JobEvent[], options: StreamJobEventsOptions = {}): Promise<void> {
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setKeepAlive(true);
  // Koa starts every response at 404; better-sse writes the head with whatever status the response has.
  ctx.status = 200;
  ctx.respond = false;
  const session = await createSession(ctx.req, ctx.res, {
    keepAlive: options.keepAliveMs ?? 15_000,
    retry: 2000,
    headers: { 'X-Accel-Buffering': 'no' },
    // Live events arrive serialised once by the job's log, not once per watcher.
    serializer: serializeEventData,
  });
  const lastId = /^\d+$/.test(session.lastId) ? Number(session.lastId) : 0;
  const end = () => {
    if (!ctx.res.writableEnded) ctx.res.end();
  };
  const send = (event: JobEvent) => {
    session.push(event.json, event.event, String(event.id));
  };
  if (Array.isArray(source)) {
    for (const event of source) if (event.id > lastId) send(event);
    end();
    return;
  }
  const unsubscribe = source.subscribe(send, lastId);
  if (source.terminal) {
    end();
    return;
  }
  const stop = new AbortController();
  watching(options.owner, 1);
  try {
    await Promise.race([source.finished, once(session, 'disconnected', { signal: stop.signal })]);
  } finally {
    stop.abort();
    unsubscribe();
    end();
    watching(options.owner, -1);
  }
}

/** Says that a watcher started or stopped following a live job (the metrics listen). */
function watching(owner: object | undefined, delta: 1 | -1): void {
  if (owner === undefined || !CHANNELS.sseWatcher.hasSubscribers) return;
  const message: SseWatcherMessage = { owner, delta };
  CHANNELS.sseWatcher.publish(message);
}

function serializeEventData(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

import { type CompleteEvent, toCompleteEvent } from './CompleteEvent.js';
import { type FollowedJob, followJobEvents } from './followJobEvents.js';

/** The body of `POST /datasets/ingest`, as the bench sends it. */
export interface IngestRequest {
  annotation_path: string;
  image_dir: string;
  dataset_name: string;
  thumbnails: 'all' | 'none';
}

/** Options of {@link ingestOverHttp}. */
export interface IngestOverHttpOptions {
  /** SSE clients watching the job, all opened once the POST has answered. Default 1. */
  watchers?: number;
  /** Called with the 202's body (`job_id`, `dataset_id`, ...) as soon as it arrives. Default none. */
  onAccepted?: (body: { job_id: string; dataset_id: number }) => void;
}

const DEFAULTS = { watchers: 1 } as const;

/** One ingest as the client saw it. */
export interface IngestOverHttpResult {
  /** From sending the POST to the first watcher's receiving `complete`, ms. */
  wallMs: number;
  /** From sending the POST to the last watcher's receiving `complete`, ms. */
  lastWatcherMs: number;
  complete: CompleteEvent;
  /** Events the first watcher received. */
  events: number;
}

/**
 * Ingests a dataset the way a client does: POSTs the request, then follows
 * `GET /jobs/{id}/events` (the stream replays what happened before it was opened)
 * until the terminal event.
 * @throws unless the POST answers 202 and every watcher receives `complete`.
 */
export async function ingestOverHttp(baseUrl: string, request: IngestRequest, options: IngestOverHttpOptions = {}): Promise<IngestOverHttpResult> {
  const watchers = options.watchers ?? DEFAULTS.watchers;
  const started = performance.now();
  const response = await fetch(`${baseUrl}/datasets/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { events_url?: string; job_id: string; dataset_id: number };
  if (response.status !== 202 || typeof body.events_url !== 'string') {
    throw new Error(`POST /datasets/ingest answered ${response.status}: ${JSON.stringify(body)}`);
  }
  options.onAccepted?.(body);
  const eventsUrl = `${baseUrl}${body.events_url}`;
  const followed: FollowedJob[] = await Promise.all(Array.from({ length: watchers }, () => followJobEvents(eventsUrl)));
  for (const job of followed) {
    if (job.event !== 'complete') throw new Error(`the ingest ended ${job.event}: ${JSON.stringify(job.data)}`);
  }
  const first = followed[0]!;
  return {
    wallMs: first.terminalAt - started,
    lastWatcherMs: Math.max(...followed.map((job) => job.terminalAt)) - started,
    complete: toCompleteEvent(first.data),
    events: first.events,
  };
}

import { channel } from 'node:diagnostics_channel';

/**
 * What the service publishes about itself, on `node:diagnostics_channel`
 * (as undici does): the pipeline and the server say what happened, and
 * whoever cares (the metrics) listens. Publishing costs nothing without a
 * subscriber. Every message names its `owner`, the service's `JobScheduler`
 * or pool, so that a listener counts its own service's events only (tests
 * run several services in one process).
 */

/** A job ended. */
export interface JobEndedMessage {
  owner: object;
  /** The job's kind (`ingest`, `predictions`, `upload`, ...). */
  kind: string;
  status: 'complete' | 'failed' | 'cancelled';
  /** Images and annotations committed (0 unless complete). */
  images: number;
  annotations: number;
}

/** One image's thumbnail task settled in the pool, or came back from the queue's workers. */
export interface ThumbnailSettledMessage {
  owner: object;
  ok: boolean;
  /** The error code of a failure. */
  code: string | null;
  /** The pool's: from hand-off to a worker to its result. The queue's: from queueing the image to its outcome's arrival. */
  seconds: number;
}

/** An HTTP request was answered. */
export interface HttpAnsweredMessage {
  owner: object;
  method: string;
  /** The router's pattern (`/datasets/:id`), never the raw path; `unmatched` for none. */
  route: string;
  status: number;
  seconds: number;
}

/** An SSE watcher started (+1) or stopped (-1) following a job. */
export interface SseWatcherMessage {
  owner: object;
  delta: 1 | -1;
}

/** An evaluation job ended. */
export interface EvaluationEndedMessage {
  /** The service's evaluation repository (one per service). */
  owner: object;
  iouType: string;
  status: 'complete' | 'failed' | 'cancelled';
  /** From the job's start to its end. */
  seconds: number;
}

/** The channels, by what they carry. */
export const CHANNELS = {
  jobEnded: channel('coco-ingest:job-ended'),
  thumbnailSettled: channel('coco-ingest:thumbnail-settled'),
  httpAnswered: channel('coco-ingest:http-answered'),
  sseWatcher: channel('coco-ingest:sse-watcher'),
  evaluationEnded: channel('coco-ingest:evaluation-ended'),
} as const;

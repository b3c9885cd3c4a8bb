import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  CHANNELS,
  type EvaluationEndedMessage,
  type HttpAnsweredMessage,
  type JobEndedMessage,
  type SseWatcherMessage,
  type ThumbnailSettledMessage,
} from '../diagnostics/channels.js';

/** What the metrics read and whose events they count. */
export interface ServiceMetricsSources {
  /** The owner of job, HTTP and SSE events; `runningCount` is read at each scrape. */
  jobs: { readonly runningCount: number };
  /** The owner of thumbnail events; its queue is read at each scrape. */
  pool: { readonly stats: { queued: number } };
  /** With REDIS_URL, the thumbnail queue: the other owner of thumbnail events; default none. */
  queue?: object | null;
  /** The owner of evaluation events (the service's evaluation repository); default none. */
  evaluations?: object | null;
}

/**
 * The service's Prometheus metrics (prom-client, its own registry): counters
 * and histograms fed by the diagnostics channels, gauges read when scraped,
 * and prom-client's default process metrics. Call {@link close} to unsubscribe.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #listeners: [string | symbol, (message: unknown) => void][] = [];

  constructor(sources: ServiceMetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const images = new Counter({ name: 'coco_ingest_images_ingested_total', help: 'Images committed by ingests.', registers });
    const annotations = new Counter({ name: 'coco_ingest_annotations_ingested_total', help: 'Annotations committed by ingests.', registers });
    const jobs = new Counter({ name: 'coco_ingest_jobs_total', help: 'Jobs ended, by status and kind.', labelNames: ['status', 'kind'], registers });
    const thumbnails = new Counter({
      name: 'coco_ingest_thumbnails_total',
      help: "Thumbnail tasks settled in the pool or by the queue's workers, by result (made, or the error code).",
      labelNames: ['result'],
      registers,
    });
    const thumbnailSeconds = new Histogram({
      name: 'coco_ingest_thumbnail_seconds',
      help: "Time of one image's thumbnail task, from hand-off to a worker (queueing, in queue mode) to its result.",
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers,
    });
    const http = new Histogram({
      name: 'coco_ingest_http_request_duration_seconds',
      help: 'HTTP requests, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    const sse = new Gauge({ name: 'coco_ingest_sse_clients', help: "Clients following a job's event stream.", registers });
    new Gauge({
      name: 'coco_ingest_jobs_running',
      help: 'Jobs running now.',
      registers,
      collect() {
        this.set(sources.jobs.runningCount);
      },
    });
    new Gauge({
      name: 'coco_ingest_pool_queue_depth',
      help: 'Thumbnail tasks waiting for a worker of the local pool.',
      registers,
      collect() {
        this.set(sources.pool.stats.queued);
      },
    });
    this.#listen<JobEndedMessage>(CHANNELS.jobEnded.name, sources.jobs, (m) => {
      jobs.inc({ status: m.status, kind: m.kind });
      // An upload's splits are not jobs of the scheduler's: the upload counts their images.
      if (m.status === 'complete' && m.kind !== 'predictions') {
        images.inc(m.images);
        annotations.inc(m.annotations);
      }
    });
    for (const owner of [sources.pool, sources.queue ?? null]) {
      if (owner === null) continue;
      this.#listen<ThumbnailSettledMessage>(CHANNELS.thumbnailSettled.name, owner, (m) => {
        thumbnails.inc({ result: m.ok ? 'made' : (m.code ?? 'failed') });
        thumbnailSeconds.observe(m.seconds);
      });
    }
    this.#listen<HttpAnsweredMessage>(CHANNELS.httpAnswered.name, sources.jobs, (m) => {
      http.observe({ method: m.method, route: m.route, status: String(m.status) }, m.seconds);
    });
    this.#listen<SseWatcherMessage>(CHANNELS.sseWatcher.name, sources.jobs, (m) => sse.inc(m.delta));
    this.#countEvaluations(sources.evaluations ?? null);
  }

  /** `coco_ingest_evaluations_total{iou_type,status}` and the evaluations' duration histogram. */
  #countEvaluations(owner: object | null): void {
    const registers = [this.registry];
    const evaluations = new Counter({
      name: 'coco_ingest_evaluations_total',
      help: 'Evaluation jobs ended, by iou_type and status.',
      labelNames: ['iou_type', 'status'],
      registers,
    });
    const seconds = new Histogram({
      name: 'coco_ingest_evaluation_duration_seconds',
      help: 'Time of an evaluation job, from its start to its end, by iou_type and status.',
      labelNames: ['iou_type', 'status'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1200],
      registers,
    });
    if (owner === null) return;
    this.#listen<EvaluationEndedMessage>(CHANNELS.evaluationEnded.name, owner, (m) => {
      evaluations.inc({ iou_type: m.iouType, status: m.status });
      seconds.observe({ iou_type: m.iouType, status: m.status }, m.seconds);
    });
  }

  #listen<T extends { owner: object }>(name: string | symbol, owner: object, handle: (message: T) => void): void {
    const listener = (message: unknown) => {
      if ((message as T).owner === owner) handle(message as T);
    };
    subscribe(name, listener);
    this.#listeners.push([name, listener]);
  }

  /** The scrape: Prometheus' text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops listening. */
  close(): void {
    for (const [name, listener] of this.#listeners.splice(0)) unsubscribe(name, listener);
  }
}

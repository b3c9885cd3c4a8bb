import type { IngestRequest, IngestSummary } from './IngestRequest.js';
import type { IngestRun } from './IngestRun.js';
import type { ThumbnailStageResult } from './ThumbnailStage.js';

/** The `complete` event's figures of an ingest whose whole-file rules have run (the commit's time comes after: {@link withCommitTime}). */
export function summarizeIngest(
  request: IngestRequest,
  run: IngestRun,
  thumbnails: ThumbnailStageResult & { requested: number },
  times: { started: number; tailMs: number; checksMs: number },
): IngestSummary {
  const { writer, timings } = run;
  const { results: _results, ...skipped } = run.skips.counts;
  const duration = performance.now() - times.started;
  return {
    dataset_id: request.datasetId,
    job_id: request.jobId,
    split: request.split,
    format: run.resolver.label,
    image_count: writer.imageCount,
    annotation_count: writer.annotationCount,
    category_count: writer.categoryCount,
    thumbnails: { requested: thumbnails.requested, generated: thumbnails.generated, failed: thumbnails.failed, bytes: thumbnails.bytes },
    failures: mergeCounts(thumbnails.failures, run.maskFailures),
    skipped,
    warnings: run.warnings,
    duration_ms: Math.round(duration),
    images_per_second: perSecond(writer.imageCount, duration),
    thumbnails_per_second: perSecond(thumbnails.generated, thumbnails.spanMs),
    timings_ms: {
      read: Math.round(timings.read),
      store: Math.round(timings.store),
      backpressure: Math.round(timings.backpressure),
      thumbnails: Math.round(thumbnails.spanMs),
      thumbnails_tail: Math.round(times.tailMs),
      checks: Math.round(times.checksMs),
      commit: 0,
    },
  };
}

/** The summary with the commit's time (since `committing`) and the whole duration (since `started`). */
export function withCommitTime(summary: IngestSummary, committing: number, started: number): IngestSummary {
  const now = performance.now();
  summary.timings_ms.commit = Math.round(now - committing);
  summary.duration_ms = Math.round(now - started);
  summary.images_per_second = perSecond(summary.image_count, summary.duration_ms);
  return summary;
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [key, n] of Object.entries(b)) out[key] = (out[key] ?? 0) + n;
  return out;
}

/** `count` per second of `ms`, to one decimal; 0 for an empty span. */
function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count / ms) * 10_000) / 10 : 0;
}

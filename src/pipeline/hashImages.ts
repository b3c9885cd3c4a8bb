import { setMaxListeners } from 'node:events';
import { HashRepository } from '../db/HashRepository.js';
import { HashWriter } from '../db/HashWriter.js';
import type { IngestJobSide, IngestOptions, IngestServices } from './IngestRequest.js';
import { MAX_STORE_FAILURES_IN_ROW, StoreFailureStreak } from './StoreFailureStreak.js';

/** What the hash job is asked. */
export interface HashRequest {
  datasetId: number;
  jobId: string;
}

/** The hash job's `complete` figures. */
export interface HashSummary extends Record<string, unknown> {
  dataset_id: number;
  job_id: string;
  /** Images read and hashed. */
  hashed: number;
  /** Images that could not be read or decoded (they stay without hashes, each with its failure in `image_failures`). */
  failed: number;
  /** The failed images by code (`IMAGE_MISSING`, `IMAGE_UNSUPPORTED`, ...), as the ingest's `complete` event counts its own. */
  failures: Record<string, number>;
  duration_ms: number;
}

/** Samples read from the database per page, and images handed to the pool at once. */
const PAGE = 256;

/**
 * Reads the images of a dataset that have no hashes (ingested with
 * `thumbnails: "none"`, or past a thumbnail limit) and computes them in the
 * thumbnail workers (no thumbnail is written), then stores them all in one
 * transaction with the job's row. An image that fails keeps no hash, is
 * counted by code, and gets its failure in `image_failures` as in an ingest,
 * in the same transaction (see `IngestRepository.settleHashJobFailures` for a
 * sample that already has one). Images in a row whose store failed
 * ({@link MAX_STORE_FAILURES_IN_ROW}) stop the job with
 * `IMAGE_SOURCE_UNAVAILABLE`, as they stop an ingest, and nothing is stored.
 */
export async function hashImages(
  request: HashRequest,
  services: IngestServices,
  job: Pick<IngestJobSide, 'commitRows'>,
  options: IngestOptions,
): Promise<HashSummary> {
  const started = performance.now();
  const { signal, onProgress } = options;
  // A page's images all wait on the job's signal at once.
  setMaxListeners(PAGE * 2 + 16, signal);
  const reads = new HashRepository(services.db);
  const total = await reads.countUnhashed(request.datasetId);
  const writer = await HashWriter.begin(services.db, request);
  try {
    let hashed = 0;
    let failed = 0;
    const failures: Record<string, number> = {};
    let afterId = 0;
    const storeFailures = new StoreFailureStreak();
    onProgress({ stage: 'hashes', current: 0, total, message: `0 of ${total} images hashed` });
    for (;;) {
      const page = await reads.unhashedAfter(request.datasetId, afterId, PAGE);
      if (page.length === 0) break;
      afterId = page.at(-1)!.id;
      const results = await Promise.all(
        page.map(async (sample) => {
          // A backend that reads images itself (the queue's workers) is sent where they are, as the thumbnail stage does.
          const source = services.pool.readsImages
            ? { kind: 'stored' as const, imageDir: sample.image_dir, location: sample.location }
            : await services.storage.imageSource(sample.image_dir, sample.location, { signal, maxPixels: services.maxPixels });
          if ('ok' in source) return { sample, result: source };
          const result = await services.pool.run(
            { source, outputs: [], quality: services.quality, maxPixels: services.maxPixels, hashes: true },
            { signal, jobId: request.jobId },
          );
          return { sample, result };
        }),
      );
      signal.throwIfAborted();
      for (const { sample, result } of results) {
        const unavailable = storeFailures.record(result, sample.image_dir ?? 'their URLs');
        if (unavailable) throw unavailable;
        if (result.ok && 'hashes' in result && result.hashes) {
          writer.add(sample.id, result.hashes);
          hashed++;
        } else {
          // A decoded image always has hashes when asked for: one without them is a worker's fault, not the image's.
          const failure = result.ok ? { code: 'WORKER_CRASHED', message: `${sample.location}: the worker returned no hashes` } : result;
          writer.addFailure(sample.id, { code: failure.code, message: failure.message });
          failures[failure.code] = (failures[failure.code] ?? 0) + 1;
          failed++;
        }
      }
      onProgress({ stage: 'hashes', current: hashed + failed, total, message: `${hashed + failed} of ${total} images hashed` });
    }
    const summary: HashSummary = { dataset_id: request.datasetId, job_id: request.jobId, hashed, failed, failures, duration_ms: 0 };
    onProgress({ stage: 'hashes', current: hashed + failed, total, message: `${hashed} images hashed, ${failed} failed`, done: true });
    summary.duration_ms = Math.round(performance.now() - started);
    await writer.commit(job.commitRows(summary, { info: null, licenses: null }));
    return summary;
  } finally {
    await writer.close();
  }
}

import { randomUUID } from 'node:crypto';
import type { DatasetRepository } from '../db/DatasetRepository.js';
import { Job } from './Job.js';
import type { JobKind, JobRequestBase, JobSummaryBase } from './JobKind.js';

/**
 * The one way a job comes to be, of any kind: its request checked and
 * completed by its kind, its `jobs` row made, and what else its kind records.
 * @throws AppError what the kind's `prepare` throws (404, 409).
 */
export async function createJob<R extends JobRequestBase, S extends JobSummaryBase, D>(
  kind: JobKind<R, S, D>,
  draft: D,
  repo: DatasetRepository,
): Promise<Job<R>> {
  const request = await kind.prepare(draft, repo);
  const job = new Job<R>(randomUUID(), kind, request);
  await repo.createJob({ id: job.id, kind: kind.name, datasetId: request.datasetId, ...kind.toRecord(request) });
  await kind.created?.(request, job.id, repo);
  return job;
}

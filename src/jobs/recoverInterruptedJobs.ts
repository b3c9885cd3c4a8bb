import type { JobContext } from './JobKind.js';
import { jobKindNamed } from './jobKinds.js';

const MESSAGE = 'interrupted: the service stopped before this job finished; run it again';

/**
 * At start-up: the jobs a previous process left queued or running are marked
 * failed (`INTERRUPTED`), what each had made is taken back by its kind (its
 * dataset settled, its prediction set failed, an upload's files removed), and
 * its thumbnails removed.
 */
export async function recoverInterruptedJobs(context: JobContext): Promise<void> {
  const { repo, services, log } = context;
  for (const row of await repo.unfinishedJobs()) {
    const kind = jobKindNamed(row.kind);
    const failure = { code: 'INTERRUPTED', message: MESSAGE };
    await repo.finishJob(row.id, 'failed', null, failure);
    await kind.settleFailure(kind.fromRecord(row), row.id, 'failed', failure, context);
    await services.store.removeJob(Number(row.dataset_id), row.id);
    log.warn({ jobId: row.id, datasetId: Number(row.dataset_id), kind: row.kind }, 'marked a job interrupted by the previous shutdown as failed');
  }
}

import type { IngestJobSide, IngestOptions, IngestRequest, IngestServices, IngestSummary } from './IngestRequest.js';
import { IngestRun } from './IngestRun.js';
import { summarizeIngest, withCommitTime } from './summarizeIngest.js';

/**
 * Ingests one annotation file into a dataset: streams the file once, in
 * whatever COCO format it is; hands its records to the writer, the thumbnail
 * and mask stages and the plugins ({@link IngestRun}); and commits — with the
 * job's own rows — only when every record is valid and every task has
 * finished. On any failure or abort nothing of this ingest remains: its rows
 * are rolled back and its thumbnails removed.
 */
export async function ingestDataset(request: IngestRequest, services: IngestServices, job: IngestJobSide, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const run = await IngestRun.open(request, services, job, options);
  try {
    await job.hooks.start();
    await run.readAll();
    const parsed = performance.now();
    const thumbnails = await run.finishStages();
    const tailDone = performance.now();
    // The whole-file rules may skip records (on_invalid: "skip"): the summary's counts come after them.
    await run.checkWholeFile();
    const checked = performance.now();
    const summary = summarizeIngest(request, run, thumbnails, { started, tailMs: tailDone - parsed, checksMs: checked - tailDone });
    const committing = performance.now();
    await run.commit(job.commitRows(summary, run.metadata));
    return withCommitTime(summary, committing, started);
  } catch (err) {
    await run.abandon(err);
    throw err;
  } finally {
    await run.close();
  }
}

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EVALUATION_DIR, type EvaluationReference, readEvaluationJson } from './evaluationFixture.js';
import { ingest, postPredictions } from './ingest.js';
import { followJob, type ReceivedEvent, terminalOf } from './sse.js';
import type { TestServer } from './startTestServer.js';

export { EVALUATION_DIR } from './evaluationFixture.js';

/** pycocotools' figures for a fixture (`fixtures/evaluation/reference_<iouType>.json`, made by makeReference.py). */
export type Reference = EvaluationReference;

export async function reference(iouType: string): Promise<Reference> {
  return readEvaluationJson<Reference>(`reference_${iouType}.json`);
}

/** Ingests a ground truth (a fixture's name, or a path; no thumbnails) as a new dataset and loads results files beside it; returns the dataset id. */
export async function datasetWithPredictions(server: TestServer, gt: string, results: Record<string, string>, split = 'val'): Promise<number> {
  const done = await ingest(server, { annotation_path: await ingestable(server, gt, split), thumbnails: 'none', split });
  if (done.event !== 'complete') throw new Error(`ingest ended ${done.event}: ${JSON.stringify(done)}`);
  const datasetId = Number(done.dataset_id);
  for (const [name, file] of Object.entries(results)) {
    // Skipped: the fixtures' results of a category the ground truth lacks (99), which COCOeval leaves out too (not in catIds).
    const loaded = await postPredictions(server, datasetId, { annotation_path: path.join(EVALUATION_DIR, file), name, on_invalid: 'skip' });
    if (loaded.event !== 'complete') throw new Error(`predictions ended ${loaded.event}: ${JSON.stringify(loaded)}`);
  }
  return datasetId;
}

/**
 * The fixture's ground truth as an ingest takes it: its images given a
 * `file_name` (pycocotools needs none; the service's COCO reader does), in the
 * server's scratch folder. Nothing COCOeval reads changes.
 */
export async function ingestable(server: TestServer, gt: string, split = 'val'): Promise<string> {
  const file = JSON.parse(await readFile(path.resolve(EVALUATION_DIR, gt), 'utf8')) as { images: Record<string, unknown>[] };
  for (const image of file.images) image.file_name ??= `${String(image.id).padStart(12, '0')}.jpg`;
  const target = path.join(server.scratch, `${split}-${path.basename(gt)}`);
  await writeFile(target, JSON.stringify(file));
  return target;
}

/** POSTs an evaluation; a refused request comes back as its status and body. */
export async function postEvaluation(
  server: TestServer,
  datasetId: number,
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/evaluations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** POSTs an evaluation and follows its job to the end: every event, and the terminal one. */
export async function evaluate(
  server: TestServer,
  datasetId: number,
  body: Record<string, unknown>,
): Promise<{ events: ReceivedEvent[]; terminal: ReceivedEvent }> {
  const posted = await postEvaluation(server, datasetId, body);
  if (posted.status !== 202) throw new Error(`evaluation answered ${posted.status}: ${JSON.stringify(posted.body)}`);
  const events = await followJob(server.url, posted.body.job_id);
  return { events, terminal: terminalOf(events)! };
}

import { followJob, postIngest, type ReceivedEvent, terminalOf } from './sse.js';
import type { TestServer } from './startTestServer.js';

/** Ingests and follows the job to its end; returns the terminal event's data. */
export async function ingest(server: TestServer, body: Record<string, unknown>): Promise<Record<string, any>> {
  const job = await postIngest(server.url, body);
  const terminal = terminalOf(await followJob(server.url, job.job_id));
  return { event: terminal?.event, ...terminal?.data };
}

/** Loads a prediction set and follows its job to its end; a refused request comes back with its status. */
export async function postPredictions(server: TestServer, datasetId: number, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, any>;
  if (response.status !== 202) return { status: response.status, ...json };
  const terminal = terminalOf(await followJob(server.url, json.job_id));
  return { event: terminal?.event, ...terminal?.data };
}

/** Starts the hash job of a dataset (`POST /datasets/{id}/hashes`) and follows it to its end; returns every event of it. */
export async function runHashJob(server: Pick<TestServer, 'url'>, datasetId: number): Promise<{ jobId: string; events: ReceivedEvent[] }> {
  const response = await fetch(`${server.url}/datasets/${datasetId}/hashes`, { method: 'POST' });
  const json = (await response.json()) as Record<string, any>;
  if (response.status !== 202) throw new Error(`the hash job answered ${response.status}: ${JSON.stringify(json)}`);
  return { jobId: json.job_id, events: await followJob(server.url, json.job_id) };
}

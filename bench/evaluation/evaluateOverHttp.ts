import { followJobEvents } from '../followJobEvents.js';

/** One job as the client saw it: from the POST to its `complete` event. */
export interface TimedJob {
  wallMs: number;
  complete: Record<string, unknown>;
}

/**
 * POSTs a job (an ingest, a prediction set, an evaluation), follows its event
 * stream to the end, and times it from sending the POST to receiving `complete`.
 * @throws unless the POST answers 202 and the job completes.
 */
export async function jobOverHttp(url: string, body: Record<string, unknown>): Promise<TimedJob> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const accepted = (await response.json()) as Record<string, unknown>;
  if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(accepted)}`);
  const terminal = await followJobEvents(`${new URL(url).origin}${String(accepted.events_url)}`);
  if (terminal.event !== 'complete') throw new Error(`${url}: job ended ${terminal.event}: ${JSON.stringify(terminal.data)}`);
  return { wallMs: terminal.terminalAt - started, complete: terminal.data };
}

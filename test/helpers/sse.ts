import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** An event as a client received it. */
export interface ReceivedEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

const TERMINAL = new Set(['complete', 'failed', 'cancelled']);

/**
 * Reads a `text/event-stream` response body to its end (the server ends it after
 * the terminal event), calling `onEvent` for each event as it arrives.
 */
export async function readEventStream(response: Response, onEvent: (event: ReceivedEvent) => void = () => undefined): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const event = { id: Number(message.id), event: message.event ?? 'message', data: JSON.parse(message.data) };
      events.push(event);
      onEvent(event);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  return events;
}

/** The job's terminal event among `events`, or undefined. */
export function terminalOf(events: ReceivedEvent[]): ReceivedEvent | undefined {
  return events.find((e) => TERMINAL.has(e.event));
}

/** POSTs an ingest as JSON and returns the parsed 202 body. */
export async function postIngest(baseUrl: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${baseUrl}/datasets/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, any>;
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Follows a job's stream to its end and returns every event. */
export async function followJob(baseUrl: string, jobId: string, lastEventId?: number): Promise<ReceivedEvent[]> {
  const response = await fetch(`${baseUrl}/jobs/${jobId}/events`, {
    headers: { accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) },
  });
  if (response.status !== 200) throw new Error(`events answered ${response.status}`);
  return readEventStream(response);
}

/** GETs JSON, returning status and body. */
export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

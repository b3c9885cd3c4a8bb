import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A job's terminal event as one watcher received it. */
export interface FollowedJob {
  /** `complete`, `failed` or `cancelled`. */
  event: string;
  data: Record<string, unknown>;
  /** `performance.now()` when the terminal event had been parsed. */
  terminalAt: number;
  /** Events received, the terminal one included. */
  events: number;
}

const TERMINAL = new Set(['complete', 'failed', 'cancelled']);

/**
 * Watches a job like any SSE client: GETs its event stream, parses every event,
 * and notes the moment the terminal one arrives (`onEvent` sees each, with the
 * moment it arrived). Resolves when the server ends the stream.
 * @throws when the stream answers other than 200 or ends without a terminal event.
 */
export async function followJobEvents(url: string, onEvent?: (name: string, data: Record<string, unknown>, at: number) => void): Promise<FollowedJob> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
  if (response.status !== 200 || response.body === null) {
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  }
  let terminal: Omit<FollowedJob, 'events'> | null = null;
  let events = 0;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      events++;
      const name = message.event ?? 'message';
      onEvent?.(name, JSON.parse(message.data) as Record<string, unknown>, performance.now());
      if (terminal === null && TERMINAL.has(name)) {
        terminal = { event: name, data: JSON.parse(message.data) as Record<string, unknown>, terminalAt: performance.now() };
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  if (terminal === null) throw new Error(`${url}: the stream ended after ${events} events without a terminal one`);
  return { ...(terminal as Omit<FollowedJob, 'events'>), events };
}

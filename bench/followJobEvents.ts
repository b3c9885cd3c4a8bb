import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
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
 *
 * The request goes through `node:http` rather than `fetch`: the fan-out section
 * runs 200 of these on the service's own two cores, and `fetch` (undici's web
 * streams) costs the bench process several times the CPU per connection and per
 * chunk, which would count against the service.
 * @throws when the stream answers other than 200 or ends without a terminal event.
 */
export async function followJobEvents(url: string, onEvent?: (name: string, data: Record<string, unknown>, at: number) => void): Promise<FollowedJob> {
  const request = get(url, { headers: { accept: 'text/event-stream' } });
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  // After the response, a reset connection is the request's 'error': reject this watcher rather than crash the bench.
  request.on('error', (err) => response.destroy(err));
  response.setEncoding('utf8');
  if (response.statusCode !== 200) {
    let text = '';
    for await (const chunk of response) text += chunk;
    throw new Error(`GET ${url} answered ${response.statusCode}: ${text}`);
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
  for await (const chunk of response as AsyncIterable<string>) parser.feed(chunk);
  if (terminal === null) throw new Error(`${url}: the stream ended after ${events} events without a terminal one`);
  return { ...(terminal as Omit<FollowedJob, 'events'>), events };
}

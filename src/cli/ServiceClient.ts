import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A job event as the service streams it. */
export interface ClientEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Options of {@link ServiceClient}. */
export interface ServiceClientOptions {
  /** The service, default `http://127.0.0.1:3000`. */
  server?: string;
  /** `API_TOKEN`, sent as a bearer token on writes; default none. */
  token?: string | undefined;
}

/** The command line's side of the HTTP API. */
export class ServiceClient {
  readonly server: string;
  readonly #token: string | undefined;

  constructor(options: ServiceClientOptions = {}) {
    this.server = (options.server ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
    this.#token = options.token;
  }

  /** GETs JSON. @throws an Error with the service's message on a non-2xx answer. */
  async get(path: string): Promise<any> {
    return this.#json(await this.#fetch(path, { method: 'GET' }));
  }

  /** POSTs JSON. @throws as {@link get}. */
  async post(path: string, body: unknown): Promise<any> {
    return this.#json(await this.#fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  }

  async delete(path: string): Promise<any> {
    return this.#json(await this.#fetch(path, { method: 'DELETE' }));
  }

  /**
   * POSTs a file as an `application/zip` body, streamed from disk with its
   * length, calling `onProgress` with the bytes sent. @throws as {@link get}.
   */
  async upload(path: string, file: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<any> {
    const { size } = await stat(file);
    let sent = 0;
    const counted = createReadStream(file).pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          onProgress(sent, size);
          done(null, chunk);
        },
      }),
    );
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/zip', 'content-length': String(size) },
      body: Readable.toWeb(counted) as ReadableStream,
      duplex: 'half',
      ...(signal ? { signal } : {}),
    };
    return this.#json(await this.#fetch(path, init as RequestInit));
  }

  /** A streamed body (an export), as the response. */
  async stream(path: string): Promise<Response> {
    const response = await this.#fetch(path, { method: 'GET' });
    if (!response.ok) await this.#json(response);
    return response;
  }

  /** Follows a job's events to its terminal one, calling `onEvent` for each. */
  async follow(eventsUrl: string, onEvent: (event: ClientEvent) => void, signal?: AbortSignal): Promise<ClientEvent> {
    const response = await this.#fetch(eventsUrl, { method: 'GET', headers: { accept: 'text/event-stream' }, ...(signal ? { signal } : {}) });
    if (!response.ok) await this.#json(response);
    let terminal: ClientEvent | null = null;
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        const event = { event: message.event ?? 'message', data: JSON.parse(message.data) as Record<string, unknown> };
        if (['complete', 'failed', 'cancelled'].includes(event.event)) terminal = event;
        onEvent(event);
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    if (!terminal) throw new Error('the event stream ended before the job did');
    return terminal;
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#token) headers.set('authorization', `Bearer ${this.#token}`);
    try {
      return await fetch(`${this.server}${path}`, { ...init, headers });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new Error(`cannot reach the service at ${this.server}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
    }
  }

  async #json(response: Response): Promise<any> {
    const text = await response.text();
    const body = text === '' ? null : (JSON.parse(text) as any);
    if (!response.ok) throw new Error(body?.error?.message ?? `the service answered ${response.status}`);
    return body;
  }
}

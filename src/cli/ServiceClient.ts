import type { FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { fileProblem } from './openLocalFile.js';

/** A JSON answer of the service, as parsed: each command reads the fields it prints. */
// biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are the service's (its OpenAPI document), read field by field.
export type ServiceAnswer = any;

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
  async get(path: string): Promise<ServiceAnswer> {
    return this.#json(await this.#fetch(path, { method: 'GET' }));
  }

  /** POSTs JSON. @throws as {@link get}. */
  async post(path: string, body: unknown): Promise<ServiceAnswer> {
    return this.#json(await this.#fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  }

  async delete(path: string): Promise<ServiceAnswer> {
    return this.#json(await this.#fetch(path, { method: 'DELETE' }));
  }

  /**
   * POSTs an open file as an `application/zip` body, streamed with its length,
   * calling `onProgress` with the bytes sent. The stream closes the file.
   * @throws as {@link get}; an Error naming `name` when the file fails to read.
   */
  async upload(
    path: string,
    file: { handle: FileHandle; size: number; name: string },
    onProgress: (sent: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<ServiceAnswer> {
    const { size } = file;
    let sent = 0;
    let readError: unknown = null;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        onProgress(sent, size);
        done(null, chunk);
      },
    });
    const source = file.handle.createReadStream();
    // pipe() does not pass errors on: a failed read ends the body with it, and is what the command reports.
    source.once('error', (err) => {
      readError = err;
      counted.destroy(err);
    });
    source.pipe(counted);
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/zip', 'content-length': String(size) },
      body: Readable.toWeb(counted) as ReadableStream,
      duplex: 'half',
      ...(signal ? { signal } : {}),
    };
    try {
      return await this.#json(await this.#fetch(path, init as RequestInit));
    } catch (err) {
      if (readError !== null) throw new Error(`${file.name}: ${fileProblem(readError)}`);
      throw err;
    } finally {
      source.destroy();
    }
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

  /**
   * The body of a JSON answer. @throws an Error with the service's message on a
   * non-2xx answer, or naming the status when the body is not the service's
   * (a proxy's page, another server at `--server`).
   */
  async #json(response: Response): Promise<ServiceAnswer> {
    const text = await response.text();
    let body: ServiceAnswer = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      const status = `${response.status} ${response.statusText}`.trim();
      throw new Error(`${this.server} answered ${status} with something that is not the service's JSON: is --server right?`);
    }
    const message = body?.error?.message;
    if (!response.ok) throw new Error(typeof message === 'string' ? message : `the service answered ${response.status} ${response.statusText}`.trim());
    return body;
  }
}

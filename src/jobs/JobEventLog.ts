/** The names of a job's events. */
export type JobEventName = 'progress' | 'warning' | 'complete' | 'failed' | 'cancelled';

/** One event of a job: numbered from 1, with JSON `data`. */
export interface JobEvent {
  id: number;
  event: JobEventName;
  data: Record<string, unknown>;
  /** `data` as JSON, serialised once for every watcher (a job may have hundreds). */
  json: string;
}

/** Called with each event as it is appended. */
export type JobEventListener = (event: JobEvent) => void;

/** The names of the events that end a job's stream. */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set<JobEventName>(['complete', 'failed', 'cancelled']);

/** Options of {@link JobEventLog}. */
export interface JobEventLogOptions {
  /** Events kept for replay; default 2000. The oldest `progress` events go first. */
  limit?: number;
}

/**
 * A job's events: numbered from 1, kept for replay after a given id, and handed
 * to every subscriber as they are appended. It knows no transport: the server
 * streams it as Server-Sent Events, and anything else (a CLI, metrics) can
 * subscribe the same way.
 */
export class JobEventLog {
  /** Resolves when the terminal event has been appended. */
  readonly finished: Promise<JobEvent>;
  readonly #events: JobEvent[] = [];
  readonly #limit: number;
  readonly #listeners = new Set<JobEventListener>();
  #nextId = 1;
  #terminal: JobEvent | null = null;
  #resolveFinished!: (event: JobEvent) => void;

  constructor(options: JobEventLogOptions = {}) {
    this.#limit = options.limit ?? 2000;
    this.finished = new Promise((resolve) => {
      this.#resolveFinished = resolve;
    });
  }

  get terminal(): JobEvent | null {
    return this.#terminal;
  }

  /** Listeners handed each new event: the job's watchers. */
  get subscriberCount(): number {
    return this.#listeners.size;
  }

  get lastId(): number {
    return this.#nextId - 1;
  }

  /** Appends an event and hands it to the subscribers. Nothing is appended after a terminal event. */
  append(event: JobEventName, data: Record<string, unknown>): JobEvent | null {
    if (this.#terminal) return null;
    const entry: JobEvent = { id: this.#nextId++, event, data, json: JSON.stringify(data) };
    this.#events.push(entry);
    if (this.#events.length > this.#limit) this.#evict();
    if (TERMINAL_EVENTS.has(event)) {
      this.#terminal = entry;
      this.#resolveFinished(entry);
    }
    for (const listener of this.#listeners) listener(entry);
    if (this.#terminal) this.#listeners.clear();
    return entry;
  }

  /**
   * Replays the kept events after `lastId` (all for 0) to `listener`, then hands
   * it each new one, in one synchronous step so that none falls between. Returns
   * the function that unsubscribes; after the terminal event there is nothing to
   * unsubscribe from.
   */
  subscribe(listener: JobEventListener, lastId = 0): () => void {
    for (const event of this.since(lastId)) listener(event);
    if (this.#terminal) return () => undefined;
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The kept events with an id above `lastId` (all for 0), in order. */
  since(lastId: number): JobEvent[] {
    return this.#events.filter((e) => e.id > lastId);
  }

  #evict(): void {
    const index = this.#events.findIndex((e) => e.event === 'progress');
    this.#events.splice(index === -1 ? 0 : index, 1);
  }
}

import { createChannel, type Channel } from 'better-sse';

/** One event of a job's stream, as sent: `id:`, `event:` and JSON `data`. */
export interface JobEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
  /** `data` as JSON, serialised once for every watcher (a job may have hundreds). */
  json?: string;
}

/** The names of the events that end a job's stream. */
export const TERMINAL_EVENTS = new Set(['complete', 'failed', 'cancelled']);

/** Options of {@link JobEventLog}. */
export interface JobEventLogOptions {
  /** Events kept for replay; default 2000. The oldest `progress` events go first. */
  limit?: number;
}

/**
 * A job's events: numbered from 1, kept for `Last-Event-ID` replay, and
 * broadcast live to every watcher through a better-sse channel.
 */
export class JobEventLog {
  /** The live fan-out: watchers register their sessions here after replay. */
  readonly channel: Channel;
  /** Resolves when the terminal event has been appended. */
  readonly finished: Promise<JobEvent>;
  readonly #events: JobEvent[] = [];
  readonly #limit: number;
  #nextId = 1;
  #terminal: JobEvent | null = null;
  #resolveFinished!: (event: JobEvent) => void;

  constructor(options: JobEventLogOptions = {}) {
    this.#limit = options.limit ?? 2000;
    this.channel = createChannel();
    this.finished = new Promise((resolve) => {
      this.#resolveFinished = resolve;
    });
  }

  get terminal(): JobEvent | null {
    return this.#terminal;
  }

  get lastId(): number {
    return this.#nextId - 1;
  }

  /** Appends and broadcasts an event. Nothing is appended after a terminal event. */
  append(event: string, data: Record<string, unknown>): JobEvent | null {
    if (this.#terminal) return null;
    const entry: JobEvent = { id: this.#nextId++, event, data, json: JSON.stringify(data) };
    this.#events.push(entry);
    if (this.#events.length > this.#limit) this.#evict();
    this.channel.broadcast(entry.json, event, { eventId: String(entry.id) });
    if (TERMINAL_EVENTS.has(event)) {
      this.#terminal = entry;
      this.#resolveFinished(entry);
    }
    return entry;
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

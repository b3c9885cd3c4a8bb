import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from '../errors.js';

/** Options of {@link connectRedis}. */
export interface RedisConnectionOptions {
  /**
   * Fail commands at once while disconnected instead of queueing them until
   * Redis is back: for producers, so that an unreachable Redis is an error,
   * not a hang. Default false (BullMQ workers wait and reconnect).
   */
  failFast?: boolean;
  /** Milliseconds to wait for the first connection; default 5 000. */
  connectTimeoutMs?: number;
}

/** `REDIS_URL` without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * A connected ioredis client for BullMQ (`maxRetriesPerRequest: null`, as BullMQ
 * requires), once Redis has answered a PING.
 * @throws AppError `THUMBNAIL_QUEUE_UNAVAILABLE` naming the URL (password hidden)
 *   and the reason when Redis does not answer within `connectTimeoutMs`.
 */
export async function connectRedis(url: string, options: RedisConnectionOptions = {}): Promise<Redis> {
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const settings: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableOfflineQueue: !options.failFast,
    connectTimeout: timeoutMs,
    // Reconnect after a lost connection, at most every 2 s: BullMQ's workers resume by themselves.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  const client = new Redis(url, settings);
  // Without a listener ioredis logs every failed reconnection as unhandled.
  let lastError: Error | null = null;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await withDeadline(
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      timeoutMs,
    );
    return client;
  } catch (err) {
    client.disconnect();
    const reason = (lastError ?? (err as Error)).message || String(err);
    throw new AppError('THUMBNAIL_QUEUE_UNAVAILABLE', `Redis at ${redactRedisUrl(url)} (REDIS_URL) cannot be reached: ${reason}`);
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

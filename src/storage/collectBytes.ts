import { objectReadFailed, objectTooLarge } from '../errors.js';

/**
 * Gathers a streamed object into one buffer that owns its whole ArrayBuffer
 * (so it can be moved to a worker without a copy), refusing it past `maxBytes`
 * before reading further: at once when its announced size (`total()`, known
 * once the first response told it) is too large, else as the bytes come.
 * Bytes beyond the announced size (a transcoded object) are kept after it.
 * @throws AppError `OBJECT_TOO_LARGE` naming `location`
 */
export async function collectBytes(chunks: AsyncIterable<Buffer>, location: string, maxBytes: number, total: () => number | null): Promise<Uint8Array> {
  let bytes: Uint8Array | null = null;
  // What did not fit in `bytes`: all of it when no size was announced, the excess when more came than announced.
  const pieces: Buffer[] = [];
  let filled = 0;
  let inBytes = 0;
  for await (const chunk of chunks) {
    const announced = total();
    if (bytes === null && announced !== null) {
      if (announced > maxBytes) throw objectTooLarge(location, announced, maxBytes);
      bytes = new Uint8Array(new ArrayBuffer(announced));
    }
    if (bytes !== null && pieces.length === 0 && filled + chunk.length <= bytes.length) {
      bytes.set(chunk, filled);
      inBytes += chunk.length;
    } else {
      if (filled + chunk.length > maxBytes) throw objectTooLarge(location, filled + chunk.length, maxBytes);
      pieces.push(Buffer.from(chunk));
    }
    filled += chunk.length;
  }
  if (bytes !== null && pieces.length === 0) return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  const whole = new Uint8Array(new ArrayBuffer(filled));
  if (bytes !== null) whole.set(bytes.subarray(0, inBytes));
  let at = inBytes;
  for (const piece of pieces) {
    whole.set(piece, at);
    at += piece.length;
  }
  return whole;
}

/**
 * Reads a whole object with {@link collectBytes} within `timeoutMs`: one
 * controller and one timer per object (`AbortSignal.any` and `.timeout` cost
 * more, and this runs for every image of an ingest, on the main thread).
 * `read` gets the signal that stops it at the deadline or when `signal` aborts.
 * @throws `signal.reason` when aborted; AppError `OBJECT_READ_FAILED` past the
 *   deadline, `OBJECT_TOO_LARGE` past `maxBytes`, or what the read threw
 */
export async function readBytesWithin(
  read: (signal: AbortSignal, state: { total: number | null }) => AsyncIterable<Buffer>,
  options: { location: string; maxBytes: number; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<Uint8Array> {
  const { location, maxBytes, timeoutMs, signal } = options;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`not read whole within ${timeoutMs} ms`));
  }, timeoutMs);
  const state: { total: number | null } = { total: null };
  try {
    return await collectBytes(read(controller.signal, state), location, maxBytes, () => state.total);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) throw objectReadFailed(location, `not read whole within ${timeoutMs} ms`, err);
    throw err;
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', onAbort);
  }
}

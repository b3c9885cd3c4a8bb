import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError, invalidRequest } from '../errors.js';

/** Options of {@link receiveUpload}. */
export interface ReceiveUploadOptions {
  /** Bytes the request body may have; past it the upload stops with 413. Required (`MAX_UPLOAD_BYTES`). */
  maxBytes: number;
  /** Longest silence of the body before the upload is given up, ms; default 60,000 (`UPLOAD_STALL_MS`). */
  stallMs?: number;
  signal?: AbortSignal;
  /** Bytes of the body received so far, and its length when the request says it (else null). */
  onProgress?: (received: number, total: number | null) => void;
}

/** An archive on disk. */
export interface ReceivedUpload {
  /** The archive's name as the client gave it (a multipart file name), or null. */
  fileName: string | null;
  /** Bytes of the request body. */
  bodyBytes: number;
}

/** The media types an upload's body may have. */
export const UPLOAD_MEDIA_TYPES = ['multipart/form-data', 'application/zip', 'application/x-zip-compressed'] as const;

/**
 * Streams an upload's body to `target` as it arrives, never holding it: the
 * file of a `multipart/form-data` body's `file` field (busboy parses it), or a
 * zip body as it is. Bytes are counted as they come, so a body past `maxBytes`
 * stops there whatever its `Content-Length` said.
 * @throws AppError `PAYLOAD_TOO_LARGE` past the bound, `UNSUPPORTED_MEDIA_TYPE`
 *   for another body, `INVALID_REQUEST` for a malformed form or one without a
 *   `file` field, `UPLOAD_INCOMPLETE` when the client stops sending. What was
 *   written is the caller's to remove.
 */
export async function receiveUpload(req: IncomingMessage, target: string, options: ReceiveUploadOptions): Promise<ReceivedUpload> {
  const { type, declared } = checkUploadHeaders(req, options.maxBytes);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > options.maxBytes) return done(tooLarge(options.maxBytes));
      options.onProgress?.(received, declared);
      done(null, chunk);
    },
  });
  // The request is piped, not put in the pipeline: a failure must not destroy
  // it, or the client would see its connection reset instead of the 413.
  const source = body(req, counter, { received: () => received, declared, stallMs: options.stallMs ?? 60_000 });
  const signal = options.signal ? { signal: options.signal } : {};
  try {
    if (type !== 'multipart/form-data') {
      await pipeline(source, createWriteStream(target, { flags: 'wx' }), signal);
      return { fileName: null, bodyBytes: received };
    }
    const fileName = await receiveForm(req, source, target, signal);
    return { fileName, bodyBytes: received };
  } catch (err) {
    req.unpipe(counter);
    if (err instanceof AppError || options.signal?.aborted) throw err;
    throw invalidRequest(`the upload's body could not be read: ${(err as Error).message}`);
  }
}

/**
 * The request's body through `counter`, which fails with `UPLOAD_INCOMPLETE`
 * if the client closes the connection, or sends nothing for `stallMs` (a
 * client that stalls would hold one of the few upload slots for ever).
 */
function body(req: IncomingMessage, counter: Transform, state: { received: () => number; declared: number | null; stallMs: number }): Transform {
  const incomplete = (why: string) => {
    const of = state.declared === null ? '' : ` of ${state.declared}`;
    counter.destroy(new AppError('UPLOAD_INCOMPLETE', `the upload stopped after ${state.received()} bytes${of}: ${why}`));
  };
  const stopped = () => {
    if (!req.complete) incomplete('the client closed the connection');
  };
  const stall = setTimeout(() => incomplete(`nothing arrived for ${state.stallMs / 1000} s`), state.stallMs);
  const onData = () => stall.refresh();
  req.on('data', onData);
  req.once('close', stopped);
  req.once('error', stopped);
  counter.once('close', () => {
    clearTimeout(stall);
    req.off('data', onData);
    req.off('close', stopped);
    req.off('error', stopped);
  });
  return req.pipe(counter);
}

/**
 * What can be told of an upload from its headers, before a byte of its body is
 * read: its media type, and its length against the bound.
 * @throws AppError `UNSUPPORTED_MEDIA_TYPE` or `PAYLOAD_TOO_LARGE`.
 */
export function checkUploadHeaders(req: IncomingMessage, maxBytes: number): { type: string; declared: number | null } {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `an upload is multipart/form-data with a "file" field, or an application/zip body; got ${type || 'no Content-Type'}`);
  }
  const length = req.headers['content-length'];
  const declared = length === undefined || !/^\d+$/.test(length) ? null : Number(length);
  if (declared !== null && declared > maxBytes) throw tooLarge(maxBytes);
  return { type, declared };
}

/** The `file` field of a form, written to `target`; other fields and files are read past. */
async function receiveForm(req: IncomingMessage, source: Transform, target: string, signal: { signal?: AbortSignal }): Promise<string | null> {
  // One file, and few small fields: a form is not a way around the bounds.
  const form = busboy({ headers: req.headers, limits: { files: 1, fields: 16, fieldSize: 4096, parts: 17 } });
  let written: Promise<void> | null = null;
  let fileName: string | null = null;
  form.on('file', (field: string, stream: Readable, info: { filename?: string }) => {
    if (field !== 'file' || written) {
      stream.resume();
      return;
    }
    fileName = info.filename ?? null;
    written = pipeline(stream, createWriteStream(target, { flags: 'wx' }), signal);
    // Its failure is awaited below; until then it must not count as unhandled.
    written.catch(() => undefined);
  });
  await pipeline(source, form, signal);
  if (written === null) throw invalidRequest('the form has no file field named "file": send the archive as file=@dataset.zip');
  await written;
  return fileName;
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `the upload is larger than this service accepts (MAX_UPLOAD_BYTES, ${maxBytes} bytes)`);
}

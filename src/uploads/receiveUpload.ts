import { createWriteStream } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError, invalidRequest } from '../errors.js';
import { tooLarge, UploadBody } from './UploadBody.js';

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
 *
 * What the headers can refuse is refused before a stream, timer or listener
 * exists; after that one {@link UploadBody} owns them all, and the `finally`
 * below ends it, whether the upload was refused, finished or aborted.
 * @throws AppError `PAYLOAD_TOO_LARGE` past the bound, `UNSUPPORTED_MEDIA_TYPE`
 *   for another body, `INVALID_REQUEST` for an empty body, a malformed form or
 *   one without a `file` field, `UPLOAD_INCOMPLETE` when the client stops
 *   sending or leaves. What was written is the caller's to remove.
 */
export async function receiveUpload(req: IncomingMessage, target: string, options: ReceiveUploadOptions): Promise<ReceivedUpload> {
  const { type, declared } = checkUploadHeaders(req, options.maxBytes);
  const form = type === 'multipart/form-data' ? formParser(req.headers) : null;
  const body = new UploadBody(req, { maxBytes: options.maxBytes, declared, stallMs: options.stallMs ?? 60_000, ...pick(options) });
  const signal = options.signal ? { signal: options.signal } : {};
  let file: FileOfForm | null = null;
  try {
    if (form === null) {
      await pipeline(body.stream, createWriteStream(target, { flags: 'wx' }), signal);
      if (body.received === 0) throw empty('the body is empty');
      return { fileName: null, bodyBytes: body.received };
    }
    file = fileOfForm(form, target, signal);
    await pipeline(body.stream, form, signal);
    const { fileName, bytes } = await file.written();
    if (bytes === 0) throw empty(`the form's "file" field is empty`);
    return { fileName, bodyBytes: body.received };
  } catch (err) {
    // A system call that failed (the disk full, say) is the service's trouble, not the body's.
    if (err instanceof AppError || options.signal?.aborted || (err as NodeJS.ErrnoException).syscall !== undefined) throw err;
    throw invalidRequest(`the upload's body could not be read: ${(err as Error).message}`);
  } finally {
    body.close();
    // The file's own stream ends too before the caller may remove what it wrote.
    await file?.settled();
  }
}

/**
 * What can be told of an upload from its headers, before a byte of its body is
 * read: its media type, a form's boundary, and its length against the bound.
 * @throws AppError `UNSUPPORTED_MEDIA_TYPE`, `PAYLOAD_TOO_LARGE`, or
 *   `INVALID_REQUEST` for a form busboy cannot parse (no boundary) or a body
 *   that says it is empty.
 */
export function checkUploadHeaders(req: IncomingMessage, maxBytes: number): { type: string; declared: number | null } {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(type)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `an upload is multipart/form-data with a "file" field, or an application/zip body; got ${type || 'no Content-Type'}`,
    );
  }
  // busboy judges what it can parse. The parser made to ask is dropped unused:
  // it holds no timer, listener or handle (destroying it would emit an error).
  if (type === 'multipart/form-data') formParser(req.headers);
  const length = req.headers['content-length'];
  const declared = length === undefined || !/^\d+$/.test(length) ? null : Number(length);
  if (declared !== null && declared > maxBytes) throw tooLarge(maxBytes);
  if (declared === 0) throw empty('its Content-Length is 0');
  return { type, declared };
}

/** busboy's parser of a form with these headers. @throws AppError `INVALID_REQUEST` when it cannot parse it (no boundary). */
function formParser(headers: IncomingHttpHeaders): Writable {
  try {
    // One file, and few small fields: a form is not a way around the bounds.
    return busboy({ headers, limits: { files: 1, fields: 16, fieldSize: 4096, parts: 17 } });
  } catch (err) {
    throw invalidRequest(
      `the upload's form cannot be read (${(err as Error).message}): send it as multipart/form-data with its boundary, as curl -F file=@dataset.zip does`,
    );
  }
}

/** A form's `file` field as it is written to disk. */
interface FileOfForm {
  /** The file's name and size once written. @throws AppError `INVALID_REQUEST` when the form had no `file` field. */
  written(): Promise<{ fileName: string | null; bytes: number }>;
  /** Resolves once the file's stream has ended, whatever its outcome. */
  settled(): Promise<void>;
}

/** Writes the `file` field of `form` to `target` when it comes; other fields and files are read past. */
function fileOfForm(form: Writable, target: string, signal: { signal?: AbortSignal }): FileOfForm {
  let writing: Promise<void> | null = null;
  let fileName: string | null = null;
  let bytes = 0;
  form.on('file', (field: string, stream: Readable, info: { filename?: string }) => {
    if (field !== 'file' || writing) {
      stream.resume();
      return;
    }
    fileName = info.filename ?? null;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    writing = pipeline(stream, createWriteStream(target, { flags: 'wx' }), signal);
    // Its failure is awaited by written(); until then it must not count as unhandled.
    writing.catch(() => undefined);
  });
  return {
    async written() {
      if (writing === null) throw invalidRequest('the form has no file field named "file": send the archive as file=@dataset.zip');
      await writing;
      return { fileName, bytes };
    },
    async settled() {
      await (writing as Promise<void> | null)?.catch(() => undefined);
    },
  };
}

function empty(why: string): AppError {
  return invalidRequest(`the upload is empty (${why}): send a zip archive`);
}

function pick(options: ReceiveUploadOptions): Pick<ReceiveUploadOptions, 'onProgress'> {
  return options.onProgress ? { onProgress: options.onProgress } : {};
}

import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { SECURITY_HEADERS } from './securityHeaders.js';

/** What Node's HTTP parser says of a request it could not read. */
type ClientError = Error & { code?: string; reason?: string };

/**
 * The server's `clientError` listener: a request Node's parser refuses (bytes
 * that are not HTTP, a body shorter than its `Content-Length` when the client
 * closes, bytes past it that start no request, headers past Node's bound) gets
 * the error body every other refusal has, instead of Node's bare `400 Bad
 * Request`, and its connection is closed. A connection already reset, or whose
 * answer has begun, is only destroyed (a second answer would corrupt the first).
 */
export function answerClientError(log: Logger): (err: ClientError, socket: Duplex) => void {
  return (err, socket) => {
    // Node attaches the answer in progress to its socket; its own default listener reads the same field.
    const answering = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || answering?.headersSent === true) {
      socket.destroy();
      return;
    }
    const error = appErrorOf(err);
    log.debug({ err }, error.message);
    const body = JSON.stringify({ error: { code: error.code, message: error.message } });
    const head = [
      `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status] ?? 'Bad Request'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function appErrorOf(err: ClientError): AppError {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new AppError('REQUEST_HEADERS_TOO_LARGE', 'the request line and headers are larger than the service reads (16 KiB)');
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError('REQUEST_TIMEOUT', 'the request headers did not arrive in time');
  return new AppError('INVALID_REQUEST', `the request is not valid HTTP: ${err.reason ?? err.code ?? err.message}`);
}

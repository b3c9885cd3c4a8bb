import type { Readable } from 'node:stream';

/**
 * Ends a response body we will not read (an error's answer, a redirect, a read
 * left before its end) at once, closing its connection: reading it off first
 * could wait on a server that stalls after its headers, with no timer left to
 * end the wait. undici's body reports being destroyed before its end as an
 * error; nobody is left to hear it, so it is heard here.
 */
export function discardBody(body: Readable): void {
  if (body.readableEnded || body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

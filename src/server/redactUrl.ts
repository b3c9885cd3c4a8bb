/**
 * Query parameters whose values are credentials (compared without regard to
 * case): OAuth and API tokens and keys, and the signatures of signed URLs
 * (Cloud Storage's `X-Goog-Signature`, S3's `X-Amz-Signature`, Azure's `sig`).
 * The service takes its own token only as a header; these are what a client or
 * a proxy may still put in a URL, and a log must not keep.
 */
export const CREDENTIAL_PARAMS: ReadonlySet<string> = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'client_secret',
  'password',
  'sig',
  'signature',
  'x-goog-signature',
  'x-goog-credential',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);

/**
 * `url` (a request target, `/path?query`) with the value of every
 * {@link CREDENTIAL_PARAMS} parameter replaced by `[REDACTED]`; everything else
 * is kept byte for byte, so a log line still shows the request as it came.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const hash = url.indexOf('#', mark);
  const query = url.slice(mark + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return CREDENTIAL_PARAMS.has(decodedName(name)) && equals >= 0 ? `${name}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, mark + 1)}${redacted}${hash < 0 ? '' : url.slice(hash)}`;
}

/** A parameter name as a server reads it (`+` a space, percent-decoded), lower-cased. */
function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/** An `http(s)://host[:port]/path` address, split for prefix matching. */
export interface HttpUrl {
  /** `https://host:port`, lower-cased, default ports left out. */
  origin: string;
  /** The path's segments, decoded; a trailing slash is not a segment. */
  segments: string[];
  /** The URL as it is fetched (normalised by WHATWG URL, without a fragment). */
  href: string;
}

/** True when `value` starts like an http(s) URL (it may still be malformed). */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/**
 * Parses an http(s) URL. Returns null for anything that is not one; throws
 * RangeError for one with credentials, a fragment-only or empty host, or
 * `..`, `.` or empty path segments (which a server might resolve out of the prefix).
 */
export function parseHttpUrl(value: string): HttpUrl | null {
  if (!isHttpUrl(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${value}: not a valid URL`);
  }
  if (url.username !== '' || url.password !== '') throw new RangeError(`${value}: credentials in URLs are not accepted`);
  // WHATWG URL resolves `..` away; look at the raw path so that `a/../../b` is refused, not rewritten.
  const rawPath = value.slice(value.indexOf('/', value.indexOf('//') + 2) >>> 0).split(/[?#]/, 1)[0] ?? '';
  const raw = rawPath.replace(/^\//, '').replace(/\/$/, '');
  const rawSegments = raw === '' ? [] : raw.split('/');
  if (rawSegments.some((s) => s === '' || s === '.' || s === '..' || /^%2e(%2e)?$/i.test(s) || /%2f|%5c/i.test(s))) {
    throw new RangeError(`${value}: the path has an empty, "." or ".." segment`);
  }
  url.hash = '';
  return {
    origin: url.origin.toLowerCase(),
    segments: rawSegments.map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new RangeError(`${value}: the path is not valid percent-encoding`);
      }
    }),
    href: url.href,
  };
}

/** Appends a relative name (`val2017/000000000139.jpg`) to a URL prefix, encoding each segment. */
export function joinHttpUrl(prefix: string, name: string): string {
  return `${prefix.replace(/\/+$/, '')}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

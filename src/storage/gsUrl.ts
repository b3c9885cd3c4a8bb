/** A `gs://bucket/name` address, split. */
export interface GsUrl {
  bucket: string;
  /** The object name or prefix, without a leading slash; '' for the bucket's root. */
  name: string;
}

// Google's bucket naming rules, simplified to what can be checked without a lookup.
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * Parses `gs://bucket/path/to/object`. Returns null for anything that is not a
 * gs:// URL; throws RangeError for a gs:// URL whose bucket or name is malformed
 * (a bad bucket name, `..` or `.` segments, empty segments, control characters).
 */
export function parseGsUrl(value: string): GsUrl | null {
  if (!value.startsWith('gs://')) return null;
  const rest = value.slice('gs://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const name = slash === -1 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket)) throw new RangeError(`${value}: "${bucket}" is not a valid bucket name`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new RangeError(`${value}: the object name has control characters`);
  const segments = name.replace(/\/$/, '').split('/');
  if (name !== '' && segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new RangeError(`${value}: the object name has an empty, "." or ".." segment`);
  }
  return { bucket, name };
}

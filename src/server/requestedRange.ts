import rangeParser from 'range-parser';

/** A `bytes` range-spec, as RFC 9110 §14.1.1 writes it: `first-last`, `first-`, or `-suffix`. */
const RANGE_SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

/**
 * The single byte range a `Range` header asks of a file of `size` bytes: null
 * for the whole file, 'unsatisfiable' for a valid range that selects nothing
 * (416). The whole file is sent, as RFC 9110 §14.2 lets a server, for no
 * `Range`, one that is not valid syntax (`bytes=5-1`, `bytes=abc`), another
 * unit, several ranges, or an `If-Range` that no longer matches `etag`.
 */
export function requestedRange(header: string, ifRange: string, size: number, etag: string): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  if (ifRange && ifRange !== etag) return null;
  const set = validByteRangeSet(header);
  if (set === null) return null;
  // Valid from here: range-parser only decides which bytes, or that none are there.
  const ranges = rangeParser(size, `bytes=${set}`, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges.length !== 1) return null;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

/**
 * The range-set of a valid `bytes=` header (range-parser counts an invalid
 * range-spec as unsatisfiable); null when the unit is another or a spec is
 * malformed, or a last-pos comes before its first-pos.
 */
function validByteRangeSet(header: string): string | null {
  const equals = header.indexOf('=');
  if (equals < 0 || header.slice(0, equals).toLowerCase() !== 'bytes') return null;
  // A list may hold empty elements (RFC 9110 §5.6.1), but not only those.
  const specs = header
    .slice(equals + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0) return null;
  for (const spec of specs) {
    const match = RANGE_SPEC.exec(spec);
    if (!match) return null;
    if (match[1] !== undefined && match[2] !== '' && BigInt(match[2]!) < BigInt(match[1])) return null;
  }
  return specs.join(',');
}

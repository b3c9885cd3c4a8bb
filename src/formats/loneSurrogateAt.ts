/** In `u` mode a pair is one code point, so this matches only a surrogate without its partner. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Where in `value` a string (a key or a value) holds a lone surrogate, as a
 * path such as `[1].name` or `.tags["a"]`, or null when every string is
 * well-formed. JSON may escape one (`"\ud800"`) and `JSON.parse` keeps it, but it
 * is not text: DuckDB's JSON type refuses it. Walks without recursion, so any
 * depth the reader let through is safe.
 */
export function loneSurrogateAt(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, at] = stack.pop()!;
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) return at;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${at}[${i}]`]);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
        if (LONE_SURROGATE.test(key)) return `${at}${name}`;
        stack.push([child, `${at}${name}`]);
      }
    }
  }
  return null;
}

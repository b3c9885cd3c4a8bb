/** Bytes of one DuckDB `string_t` (`duckdb_string_t` in the C API): a 32-bit length, then the string itself when it fits in 12 bytes. */
export const STRING_T_BYTES = 16;
/** The longest string a `string_t` holds inline, with no pointer to memory of its own. */
const INLINE_BYTES = 12;
/** Distinct values past which a column is not worth the lookups: the path is for codes and labels. */
const MAX_DISTINCT = 32;

/**
 * Rows `0` to `rows` of a VARCHAR column as the array of `string_t` a DuckDB
 * vector holds, when every string is short enough to sit inline (ASCII, at most
 * 12 bytes) and the column has few distinct values: its vector is then filled
 * with one copy instead of a native call per row, which was most of the cost
 * of an evaluation's outcome columns (`tp`, `fp`, `fn`, `ignored`). NULL rows
 * are left as zeros (the validity mask says they are NULL).
 * @returns null when the column does not qualify
 */
export function inlineStrings(values: readonly (string | null)[], rows: number): Uint8Array | null {
  const encoded = new Map<string, Uint8Array>();
  const out = new Uint8Array(rows * STRING_T_BYTES);
  const lengths = new DataView(out.buffer);
  for (let r = 0; r < rows; r++) {
    const value = values[r];
    if (value === null || value === undefined) continue;
    let record = encoded.get(value);
    if (record === undefined) {
      if (encoded.size === MAX_DISTINCT || !fitsInline(value)) return null;
      record = new Uint8Array(INLINE_BYTES);
      for (let i = 0; i < value.length; i++) record[i] = value.charCodeAt(i);
      encoded.set(value, record);
    }
    const at = r * STRING_T_BYTES;
    lengths.setUint32(at, value.length, true);
    out.set(record, at + 4);
  }
  return out;
}

/** ASCII of at most 12 characters: its UTF-8 bytes are its characters, and they fit inline. */
function fitsInline(value: string): boolean {
  if (value.length > INLINE_BYTES) return false;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The run lengths of a compressed RLE string (maskApi.c's `rleFrString`),
 * straight into the `Uint32Array` a mask keeps. Counted first, then decoded:
 * a growing `number[]` copied into a typed array allocated three times what it
 * kept and walked it twice more, which a segm evaluation of 40,000 predicted
 * masks paid per mask. Each count is cast to 32 unsigned bits as C's `uint` is.
 * @returns null when the string is not one pycocotools could have written: a
 *   character outside 48-111, or a count cut short at the end
 */
export function rleFrString(text: string): Uint32Array | null {
  const length = text.length;
  let m = 0;
  for (let p = 0; p < length; p++) {
    const c = text.charCodeAt(p) - 48;
    if (c < 0 || c > 63) return null;
    if ((c & 0x20) === 0) m++;
  }
  if (length > 0 && (text.charCodeAt(length - 1) - 48) & 0x20) return null;
  const counts = new Uint32Array(m);
  for (let p = 0, j = 0; p < length; j++) {
    let x = 0;
    let k = 0;
    let c: number;
    do {
      c = text.charCodeAt(p++) - 48;
      x |= (c & 0x1f) << (5 * k);
      k++;
    } while (c & 0x20);
    if (c & 0x10) x |= -1 << (5 * k);
    // C's `cnts[m-2]` is a uint, so the sum wraps at 2^32 as the typed array's store does.
    counts[j] = j > 2 ? x + counts[j - 2]! : x;
  }
  return counts;
}

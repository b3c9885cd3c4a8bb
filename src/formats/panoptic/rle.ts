/**
 * COCO's run-length encoding of binary masks, exactly as pycocotools writes it
 * (`maskApi.c`): runs over the mask in column-major order, starting with a run
 * of zeros (possibly empty), and the compressed string form, which stores each
 * count (from the fourth on, as the difference from the count two before) in
 * 5-bit groups, least significant first, as the characters 48-111.
 */

/** An RLE as COCO stores it in `segmentation`. */
export interface CompressedRle {
  /** `[height, width]`. */
  size: [number, number];
  counts: string;
}

/** The compressed string of run lengths (pycocotools' `rleToString`). */
export function rleToString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/**
 * Run lengths from a compressed string (pycocotools' `rleFrString`). JavaScript
 * shifts are 32-bit, so a count is exact below 2^29 pixels, far above any image
 * the service decodes (MAX_IMAGE_PIXELS).
 * @throws RangeError on a character outside 48-111 or a string cut mid-count
 */
export function rleFromString(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= text.length) throw new RangeError('RLE string ends in the middle of a count');
      const c = text.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new RangeError(`RLE string has a character outside 0-o at ${p}`);
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Run lengths of a binary mask given in column-major order (pycocotools' `rleEncode`). */
export function encodeMask(columnMajor: ArrayLike<number>): number[] {
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let j = 0; j < columnMajor.length; j++) {
    const v = columnMajor[j] ? 1 : 0;
    if (v !== previous) {
      counts.push(run);
      run = 0;
      previous = v;
    }
    run++;
  }
  counts.push(run);
  return counts;
}

/** The column-major binary mask of run lengths (pycocotools' `rleDecode`). */
export function decodeMask(counts: readonly number[], height: number, width: number): Uint8Array {
  const mask = new Uint8Array(height * width);
  let j = 0;
  let v = 0;
  for (const count of counts) {
    if (j + count > mask.length) throw new RangeError(`RLE runs cover more than ${height}x${width} pixels`);
    if (v) mask.fill(1, j, j + count);
    j += count;
    v ^= 1;
  }
  return mask;
}

/**
 * The run lengths of every listed segment of a panoptic PNG in one pass: a
 * pixel belongs to the segment whose id is its colour, R + 256·G + 256²·B.
 * Returns each segment's runs and its pixel count; pixels of other colours
 * (void, unlisted segments) belong to none.
 * @param rgb the PNG's pixels, row-major, 3 bytes each
 */
export function encodeSegments(rgb: Uint8Array, width: number, height: number, segmentIds: readonly number[]): { counts: number[][]; areas: number[] } {
  const index = new Map<number, number>();
  for (const [k, id] of segmentIds.entries()) index.set(id, k);
  const counts: number[][] = segmentIds.map(() => []);
  const runStart = new Array<number>(segmentIds.length).fill(0);
  const areas = new Array<number>(segmentIds.length).fill(0);
  let previous = -1;
  let lastId = -1;
  let lastK = -1;
  let j = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++, j++) {
      const p = (y * width + x) * 3;
      const id = rgb[p]! + 256 * rgb[p + 1]! + 65536 * rgb[p + 2]!;
      if (id !== lastId) {
        lastId = id;
        lastK = index.get(id) ?? -1;
      }
      const k = lastK;
      if (k !== previous) {
        // The run of the segment left ends here, and so does the run of zeros of the one entered.
        if (previous >= 0) {
          counts[previous]!.push(j - runStart[previous]!);
          runStart[previous] = j;
        }
        if (k >= 0) {
          counts[k]!.push(j - runStart[k]!);
          runStart[k] = j;
        }
        previous = k;
      }
      if (k >= 0) areas[k]!++;
    }
  }
  for (let k = 0; k < segmentIds.length; k++) counts[k]!.push(j - runStart[k]!);
  return { counts, areas };
}

import type { Rle } from './Rle.js';

const SCALE = 5;

/**
 * Scratch buffers reused across calls (matching is synchronous, one image at
 * a time per thread): allocating and zeroing thousands of outline points per
 * polygon cost more than rasterising them.
 */
let scratchU = new Int32Array(4096);
let scratchV = new Int32Array(4096);
let scratchA = new Uint32Array(4096);
let scratchX = new Int32Array(4096);
let scratchY = new Int32Array(4096);
let scratchCount = new Int32Array(1024);

function ensureScratch(size: number): void {
  if (scratchU.length >= size) return;
  let n = scratchU.length;
  while (n < size) n *= 2;
  scratchU = new Int32Array(n);
  scratchV = new Int32Array(n);
  scratchA = new Uint32Array(n);
  scratchX = new Int32Array(n);
  scratchY = new Int32Array(n);
}

/**
 * The mask of one polygon, exactly as maskApi.c's `rleFrPoly` rasterises it:
 * the outline is upsampled 5x, walked densely, and the points where it crosses
 * pixel columns decide where each column's run starts and ends. Every cast and
 * rounding of the C code is kept (`(int)(x + .5)` truncates toward zero), since
 * a one-pixel difference changes an IoU.
 * @param xy flat `[x1, y1, x2, y2, ...]`; an odd trailing number is ignored, like `int(len(p)/2)`
 */
export function rleFrPoly(xy: ArrayLike<number>, h: number, w: number): Rle {
  const k = Math.floor(xy.length / 2);
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) x[j] = Math.trunc(SCALE * xy[j * 2]! + 0.5);
  x[k] = x[0]!;
  for (let j = 0; j < k; j++) y[j] = Math.trunc(SCALE * xy[j * 2 + 1]! + 0.5);
  y[k] = y[0]!;
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j]! - x[j + 1]!), Math.abs(y[j]! - y[j + 1]!)) + 1;
  ensureScratch(m + 1);
  const u = scratchU;
  const v = scratchV;
  m = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      const x0 = xs;
      xs = xe;
      xe = x0;
      const y0 = ys;
      ys = ye;
      ye = y0;
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = Math.trunc(ys + s * t + 0.5);
        m++;
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = Math.trunc(xs + s * t + 0.5);
        m++;
      }
    }
  }
  return runsFromBoundary(u, v, m, h, w);
}

/** maskApi.c's second half: the column crossings, downsampled, become sorted run ends. */
function runsFromBoundary(u: Int32Array, v: Int32Array, k: number, h: number, w: number): Rle {
  const xs = scratchX;
  const ys = scratchY;
  let m = 0;
  let lo = w;
  let hi = -1;
  for (let j = 1; j < k; j++) {
    const uj = u[j]!;
    const ui = u[j - 1]!;
    if (uj === ui) continue;
    // C: xd = (xd + .5) / 5 - .5, kept when whole: exactly when xd = 5n + 2 (the other residues are 0.2 or more from a
    // whole number), giving n. Integers here, so no division per outline point.
    const r = (uj < ui ? uj : uj - 1) - 2;
    if (r < 0 || r % SCALE !== 0) continue;
    const xd = r / SCALE;
    if (xd > w - 1) continue;
    // C: yd = (yd + .5) / 5 - .5, clamped to [0, h], then ceil: the same as ceil((yd - 2) / 5) clamped.
    let yd = Math.ceil((Math.min(v[j]!, v[j - 1]!) - 2) / SCALE);
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    xs[m] = xd;
    ys[m] = yd;
    m++;
    if (xd < lo) lo = xd;
    if (xd > hi) hi = xd;
  }
  const ends = sortedEnds(xs, ys, m, lo, hi, h);
  // The image's end closes the last run: (uint)(x*(int)h + y) never exceeds it.
  ends[m++] = h * w;
  const b = new Uint32Array(m);
  let previous = 0;
  for (let j = 0; j < m; j++) {
    const t = ends[j]!;
    ends[j] = t - previous;
    previous = t;
  }
  let n = 0;
  let j = 0;
  b[n++] = ends[j++]!;
  while (j < m) {
    if (ends[j]! > 0) b[n++] = ends[j++]!;
    else {
      j++;
      if (j < m) b[n - 1] += ends[j++]!;
    }
  }
  return { h, w, counts: b.slice(0, n) };
}

/**
 * The crossings' positions `x * h + y` in ascending order (C's qsort of them):
 * counted into their columns (a position in column x is at most (x + 1) * h,
 * so columns in order are positions in order), then each column's crossings
 * ordered by y: a few, by insertion; many (an outline that meets the column
 * again and again), by a typed-array sort. Linear in the crossings and the
 * columns spanned, where one comparison sort was a fifth of the rasterisation.
 */
function sortedEnds(xs: Int32Array, ys: Int32Array, m: number, lo: number, hi: number, h: number): Uint32Array {
  const a = scratchA;
  if (m === 0) return a;
  const span = hi - lo + 1;
  if (scratchCount.length < span + 1) scratchCount = new Int32Array(2 * (span + 1));
  const count = scratchCount;
  count.fill(0, 0, span + 1);
  for (let i = 0; i < m; i++) count[xs[i]! - lo + 1]!++;
  for (let c = 1; c <= span; c++) count[c]! += count[c - 1]!;
  for (let i = 0; i < m; i++) a[count[xs[i]! - lo]!++] = xs[i]! * h + ys[i]!;
  // Each column now ends where count says.
  let start = 0;
  for (let c = 0; c < span; c++) {
    const end = count[c]!;
    if (end - start > 16) a.subarray(start, end).sort();
    else {
      for (let i = start + 1; i < end; i++) {
        const value = a[i]!;
        let j = i - 1;
        while (j >= start && a[j]! > value) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = value;
      }
    }
    start = end;
  }
  return a;
}

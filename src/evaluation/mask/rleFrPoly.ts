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

function ensureScratch(size: number): void {
  if (scratchU.length >= size) return;
  let n = scratchU.length;
  while (n < size) n *= 2;
  scratchU = new Int32Array(n);
  scratchV = new Int32Array(n);
  scratchA = new Uint32Array(n);
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
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
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
  const a = scratchA;
  let m = 0;
  for (let j = 1; j < k; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = Math.min(v[j]!, v[j - 1]!);
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    // (uint)(x*(int)h + y): x and y are non-negative here, so no wrap.
    a[m++] = xd * h + yd;
  }
  a[m++] = h * w;
  const ends = a.subarray(0, m).sort();
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

import type { Rle } from './Rle.js';

const SCALE = 5;

/**
 * Scratch buffers reused across calls (matching is synchronous, one image at
 * a time per thread): allocating and zeroing thousands of outline points per
 * polygon cost more than rasterising them.
 */
let scratchA = new Uint32Array(4096);
let scratchX = new Int32Array(4096);
let scratchY = new Int32Array(4096);
let scratchCount = new Int32Array(1024);

function ensureScratch(size: number): void {
  if (scratchX.length >= size) return;
  let n = scratchX.length;
  while (n < size) n *= 2;
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
  // The crossings, and the run end the image adds. C stores every upsampled point, as many as the outline is long
  // (a polygon with a far-off point asks for gigabytes); only the crossings are kept here, at most one per image
  // column an edge spans and one where two edges meet.
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j]! - x[j + 1]!), Math.abs(y[j]! - y[j + 1]!)) + 1;
  ensureScratch(Math.min(m, k * (w + 1)) + 1);
  const crossings = new Crossings(h, w);
  // The outline is C's sequence of upsampled points, edge after edge; a crossing is a pair of consecutive points in
  // different columns. It is found edge by edge without storing the points: within an edge from the columns it spans,
  // and between two edges from the one's last point and the next one's first.
  let lastU = 0;
  let lastV = 0;
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
    const n = Math.max(dx, dy);
    // The walk's first and last points (C walks t from n down to 0 when it flipped the edge). `| 0` is C's (int) cast
    // as the Int32Array of the points' first version stored it: toward zero, NaN (a repeated point's 0/0) as 0.
    const firstT = flip ? n : 0;
    const endT = flip ? 0 : n;
    const firstU = dx >= dy ? firstT + xs : (xs + s * firstT + 0.5) | 0;
    const firstV = dx >= dy ? (ys + s * firstT + 0.5) | 0 : firstT + ys;
    if (j > 0) crossings.pair(lastU, lastV, firstU, firstV);
    if (dx >= dy) crossings.alongX(xs, ys, s, dx);
    else crossings.alongY(xs, ys, s, dy);
    lastU = dx >= dy ? endT + xs : (xs + s * endT + 0.5) | 0;
    lastV = dx >= dy ? (ys + s * endT + 0.5) | 0 : endT + ys;
  }
  return runsFromCrossings(crossings, h, w);
}

/**
 * The outline's column crossings, downsampled (maskApi.c's `xd`, `yd`), in
 * the scratch arrays. C keeps a pair of consecutive points in columns u and
 * u + 1 (either way round) when `(u + .5) / 5 - .5` is whole, exactly when
 * u = 5n + 2, giving column n; and its row from the pair's upper point,
 * `ceil((v + .5) / 5 - .5)` clamped to [0, h]. The order they are found in
 * does not matter: they are sorted.
 */
class Crossings {
  count = 0;
  lo: number;
  hi = -1;
  readonly #h: number;
  readonly #w: number;
  /** The scratch arrays, held here: the module's may be replaced by a larger pair between polygons. */
  readonly #xs: Int32Array;
  readonly #ys: Int32Array;

  constructor(h: number, w: number) {
    this.#h = h;
    this.#w = w;
    this.lo = w;
    this.#xs = scratchX;
    this.#ys = scratchY;
  }

  /** Two consecutive points of the walk, in its order (C's `xd = u[j] < u[j-1] ? u[j] : u[j]-1`). */
  pair(ui: number, vi: number, uj: number, vj: number): void {
    if (ui === uj) return;
    const u = uj < ui ? uj : uj - 1;
    if (u >= 2 && (u - 2) % SCALE === 0) this.#add(u, Math.min(vi, vj));
  }

  /** An edge walked along x (`dx >= dy`): its points are u = xs + t, v = (int)(ys + s·t + .5) for t in [0, dx], so only the columns u = 5n + 2 it spans (with u + 1) are crossings. */
  alongX(xs: number, ys: number, s: number, dx: number): void {
    // The first u = 5n + 2 at or after max(xs, 2), up to the edge's last pair and the image's last column.
    const from = Math.max(xs, 2);
    let u = from + ((((2 - from) % SCALE) + SCALE) % SCALE);
    const last = Math.min(xs + dx - 1, SCALE * (this.#w - 1) + 2);
    for (; u <= last; u += SCALE) {
      const t = u - xs;
      const v0 = (ys + s * t + 0.5) | 0;
      const v1 = (ys + s * (t + 1) + 0.5) | 0;
      this.#add(u, Math.min(v0, v1));
    }
  }

  /**
   * An edge walked along y (`dx < dy`): v = ys + t rises by one a step and
   * u = (int)(xs + s·t + .5) moves monotonically, by at most one a step. The
   * pair (c, c + 1) is a crossing at the step where u leaves c: rising, the
   * first t with u(t) > c; falling, where u reaches c, the first t with
   * u(t) <= c. Short edges are walked step by step, a comparison a step; a
   * long one (a point far off the image) is searched for each column it
   * crosses, so its length costs a logarithm and not a loop of billions.
   */
  alongY(xs: number, ys: number, s: number, dy: number): void {
    const u0 = (xs + 0.5) | 0;
    const last = SCALE * (this.#w - 1) + 2;
    if (s >= 0) {
      // Rising u: the first c = 5n + 2 at or after max(u, 2).
      const from = Math.max(u0, 2);
      let target = from + ((((2 - from) % SCALE) + SCALE) % SCALE);
      let t = 1;
      while (target <= last) {
        t = firstStep(xs, s, t, dy, target, true);
        if (t > dy) return;
        this.#add(target, ys + t - 1);
        target += SCALE;
        t++;
      }
    } else {
      // Falling u: the last c = 5n + 2 below u, and none past the image's last column.
      const below = u0 - 1;
      let target = below - ((((below - 2) % SCALE) + SCALE) % SCALE);
      if (target > last) target -= SCALE * Math.ceil((target - last) / SCALE);
      let t = 1;
      while (target >= 2) {
        t = firstStep(xs, s, t, dy, target, false);
        if (t > dy) return;
        this.#add(target, ys + t - 1);
        target -= SCALE;
        t++;
      }
    }
  }

  /** A crossing between columns u and u + 1 of the upsampled outline (u = 5n + 2, n >= 0), whose upper point is at row v: kept when n is a column of the image. */
  #add(u: number, v: number): void {
    const xd = (u - 2) / SCALE;
    if (xd > this.#w - 1) return;
    let yd = Math.ceil((v - 2) / SCALE);
    if (yd < 0) yd = 0;
    else if (yd > this.#h) yd = this.#h;
    this.#xs[this.count] = xd;
    this.#ys[this.count] = yd;
    this.count++;
    if (xd < this.lo) this.lo = xd;
    if (xd > this.hi) this.hi = xd;
  }
}

/** Steps an edge walks one by one before it searches instead: a few dozen is a polygon's usual edge. */
const LINEAR_STEPS = 64;

/**
 * The first step t in [from, dy] at which u(t) = (int)(xs + s·t + .5) is past
 * `target`: above it when `rising`, at or below it otherwise; dy + 1 when no
 * step is. u is monotone in t (a product and sums rounded to nearest, then
 * truncated), so a binary search finds what the walk would.
 */
function firstStep(xs: number, s: number, from: number, dy: number, target: number, rising: boolean): number {
  const past = (t: number) => {
    const u = (xs + s * t + 0.5) | 0;
    return rising ? u > target : u <= target;
  };
  const linearEnd = Math.min(dy, from + LINEAR_STEPS);
  for (let t = from; t <= linearEnd; t++) if (past(t)) return t;
  let lo = linearEnd + 1;
  let hi = dy + 1;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (past(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** maskApi.c's second half: the crossings, sorted, become run lengths. */
function runsFromCrossings(crossings: Crossings, h: number, w: number): Rle {
  let m = crossings.count;
  const ends = sortedEnds(scratchX, scratchY, m, crossings.lo, crossings.hi, h);
  // The image's end closes the last run: (uint)(x*(int)h + y) never exceeds it.
  ends[m++] = h * w;
  // Differences of the sorted ends are the runs; an empty run merges its neighbours. In place, from the front:
  // a run is written at or before the end it was read from.
  let previous = 0;
  let n = 0;
  let j = 0;
  const next = () => {
    const t = ends[j++]!;
    const run = t - previous;
    previous = t;
    return run;
  };
  ends[n++] = next();
  while (j < m) {
    const run = next();
    if (run > 0) ends[n++] = run;
    else if (j < m) ends[n - 1] += next();
  }
  return { h, w, counts: ends.slice(0, n) };
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

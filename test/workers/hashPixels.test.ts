import { expect } from 'chai';
import { perceptualHash } from '../../src/quality/perceptualHash.js';
import { cellMeans, hashPixels } from '../../src/workers/hashPixels.js';

/** Pixels whose every channel value is `value(x, y, channel)`. */
function image(width: number, height: number, channels: 1 | 2 | 3 | 4, value: (x: number, y: number, c: number) => number) {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = value(x, y, c);
  return { data, info: { width, height, channels } };
}

describe('hashPixels', () => {
  it('averages each 2x2 block of a 64x64 colour image into its cell, as Rec. 601 luma', () => {
    // Red 2x + y, green 100, blue 3y (mod 256): each cell's mean worked out by hand below.
    const pixels = image(64, 64, 3, (x, y, c) => [(2 * x + y) % 256, 100, (3 * y) % 256][c]!);
    const means = cellMeans(pixels);
    for (const [cx, cy] of [
      [0, 0],
      [5, 9],
      [31, 31],
    ] as const) {
      // The block's x are 2cx and 2cx + 1, its y 2cy and 2cy + 1 (all values below 256): red's mean is
      // the mean of 2x, 4cx + 1, plus the mean of y, 2cy + 0.5.
      const red = 4 * cx + 1 + (2 * cy + 0.5);
      const blue = (3 * (2 * cy) + 3 * (2 * cy + 1)) / 2;
      expect(means[cy * 32 + cx]).to.be.closeTo(0.299 * red + 0.587 * 100 + 0.114 * blue, 1e-9);
    }
  });

  it('takes grey pixels as their own luma, the alpha channel ignored', () => {
    const grey = cellMeans(image(32, 32, 2, (x, _y, c) => (c === 0 ? x * 8 : 255)));
    expect(Array.from(grey.slice(0, 32))).to.deep.equal(Array.from({ length: 32 }, (_, x) => x * 8));
    const rgba = cellMeans(image(32, 32, 4, (_x, _y, c) => [10, 20, 30, 0][c]!));
    expect(rgba[0]).to.be.closeTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 1e-9);
  });

  it('puts pixel (x, y) of a 48x40 image in cell (floor(32x / 48), floor(32y / 40))', () => {
    // Cell (30, 30) holds x 45 and 46 (32 · 44 / 48 < 30) and y 38 alone (32 · 37 / 40 < 30, 32 · 39 / 40 ≥ 31);
    // cell (31, 31) holds pixel (47, 39) alone.
    const bright = new Set(['46,38', '47,39']);
    const means = cellMeans(image(48, 40, 1, (x, y) => (bright.has(`${x},${y}`) ? 255 : 0)));
    expect(means[30 * 32 + 30]).to.equal(255 / 2);
    expect(means[31 * 32 + 31]).to.equal(255);
    expect(Array.from(means).filter((m) => m !== 0)).to.have.length(2);
  });

  it('gives a cell a thumbnail narrower than 32 px leaves empty the mean of the cell before it', () => {
    // 16 columns: cells 0, 2, 4 ... hold a column each, the odd cells none.
    const means = cellMeans(image(16, 32, 1, (x) => x * 10));
    expect(Array.from(means.slice(0, 6))).to.deep.equal([0, 0, 10, 10, 20, 20]);
  });

  it('gives, for every size from 1 to 40 px a side, the means of the plain per-pixel average', () => {
    for (const channels of [1, 3, 4] as const) {
      for (let width = 1; width <= 40; width++) {
        for (let height = 1; height <= 40; height += width % 3 === 0 ? 1 : 7) {
          const pixels = image(width, height, channels, (x, y, c) => (x * 31 + y * 17 + c * 59 + ((x * y) % 7)) % 256);
          const expected = plainMeans(pixels);
          const means = cellMeans(pixels);
          // One assertion per size (chai per cell would take seconds): the largest difference of any cell.
          const worst = Math.max(...expected.map((m, c) => Math.abs(means[c]! - m)));
          expect(worst, `${width}x${height}x${channels}`).to.be.below(1e-9);
        }
      }
    }
  });

  it('hashes the cell means with the perceptual hash', () => {
    // Scrambled values, so that no two DCT coefficients tie at the median, where rounding could choose the bit.
    const pixels = image(64, 48, 3, (x, y, c) => (Math.imul(x + 1, 73856093) ^ Math.imul(y + 1, 19349663) ^ Math.imul(c + 1, 83492791)) >>> 24);
    expect(hashPixels(pixels)).to.equal(perceptualHash(plainMeans(pixels)));
  });
});

/**
 * The reference: each pixel's luma added to its cell (⌊32x / width⌋, ⌊32y / height⌋) one at a time, then
 * each sum divided by its count, an empty cell taking the mean of the cell before it.
 */
function plainMeans({ data, info }: ReturnType<typeof image>): number[] {
  const sums = new Array<number>(1024).fill(0);
  const counts = new Array<number>(1024).fill(0);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      const luma = info.channels >= 3 ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! : data[i]!;
      const cell = Math.floor((y * 32) / info.height) * 32 + Math.floor((x * 32) / info.width);
      sums[cell]! += luma;
      counts[cell]!++;
    }
  }
  const means: number[] = [];
  for (let c = 0; c < 1024; c++) means.push(counts[c]! > 0 ? sums[c]! / counts[c]! : c > 0 ? means[c - 1]! : 0);
  return means;
}

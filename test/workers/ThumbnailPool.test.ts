import { spawn } from 'node:child_process';
import { getEventListeners, once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Sharp } from 'sharp';
import sharp from 'sharp';
import { isAbortError } from '../../src/errors.js';
import type { ThumbnailResult, ThumbnailTask } from '../../src/workers/messages.js';
import { ThumbnailPool } from '../../src/workers/ThumbnailPool.js';
import { bombPng } from '../helpers/bombPng.js';

const workerModule = new URL('../../src/workers/thumbnailWorker.js', import.meta.url);
const MAX_PIXELS = 100_000_000;
const ORANGE = { r: 204, g: 136, b: 68 };

/** A 300x200 image, top half red and bottom half blue, so orientation can be read from its pixels. */
function twoTone(): Sharp {
  const raw = Buffer.alloc(300 * 200 * 3);
  for (let i = 0; i < 300 * 200; i++) raw.set(i < 300 * 100 ? [255, 0, 0] : [0, 0, 255], i * 3);
  return sharp(raw, { raw: { width: 300, height: 200, channels: 3 } });
}

function orange(width: number, height: number, channels: 3 | 4 = 3): Sharp {
  return sharp({ create: { width, height, channels, background: { ...ORANGE, alpha: channels === 4 ? 0.5 : 1 } } });
}

async function pixel(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

function expectFailure(result: ThumbnailResult, code: string, file: string): string {
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.code, result.message).to.equal(code);
  expect(result.message.startsWith(`${file}: `), result.message).to.equal(true);
  expect(result.message, 'one line, no stack').not.to.match(/\n|\s+at\s/);
  return result.message;
}

function expectSuccess(result: ThumbnailResult): Extract<ThumbnailResult, { ok: true }> {
  expect(result.ok, JSON.stringify(result)).to.equal(true);
  if (!result.ok) throw new Error('unreachable');
  return result;
}

describe('ThumbnailPool', function () {
  let dir: string;
  let out: string;
  let pool: ThumbnailPool;
  const image = (name: string) => path.join(dir, name);
  const task = (name: string, sizes: number[] = [128]): ThumbnailTask => ({
    source: { kind: 'path', path: image(name) },
    outputs: sizes.map((size) => ({ size, path: path.join(out, String(size), `${name}.webp`) })),
    quality: 80,
    maxPixels: MAX_PIXELS,
  });

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumbnail-pool-'));
    out = path.join(dir, 'out');
    const photo = orange(300, 200);
    const jpeg = await photo.clone().jpeg().toBuffer();
    await Promise.all([
      writeFile(image('photo.jpg'), jpeg),
      orange(240, 160, 4).png().toFile(image('alpha.png')),
      orange(100, 80).png().toFile(image('small.png')),
      twoTone().jpeg().withMetadata({ orientation: 6 }).toFile(image('portrait.jpg')),
      photo.clone().toColourspace('cmyk').jpeg().toFile(image('cmyk.jpg')),
      photo.clone().toColourspace('rgb16').png().toFile(image('deep.png')),
      writeFile(image('empty.jpg'), ''),
      writeFile(image('truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1)),
      writeFile(image('notes.jpg'), 'these are my notes, not a picture\n'),
      writeFile(image('bomb.png'), bombPng(20_000, 20_000)),
      mkdir(image('folder.jpg')),
      writeFile(image('blocker'), 'a file where a directory should be'),
    ]);
    pool = new ThumbnailPool({ workers: 2 });
  });

  after(async function () {
    await pool?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one WebP per output, fitting each size with the aspect kept', async function () {
    const result = expectSuccess(await pool.run(task('photo.jpg', [128, 256])));
    expect(result).to.include({ width: 300, height: 200, format: 'jpeg' });
    expect(result.outputs.map(({ size, width, height }) => ({ size, width, height }))).to.deep.equal([
      { size: 128, width: 128, height: 85 },
      { size: 256, width: 256, height: 171 },
    ]);
    for (const output of result.outputs) {
      const meta = await sharp(output.path!).metadata();
      expect(meta).to.include({ format: 'webp', width: output.width, height: output.height });
      expect((await stat(output.path!)).size).to.equal(output.bytes);
      expect(await readdir(path.dirname(output.path!)), 'no temporary file left').to.deep.equal(['photo.jpg.webp']);
    }
  });

  it('hands the WebP back instead of writing it when an output has no path', async function () {
    const written = task('photo.jpg', [256]);
    const result = expectSuccess(await pool.run({ ...written, outputs: [{ size: 256, path: null }] }));
    const data = result.outputs[0]!.data!;
    expect(data).to.be.instanceOf(Uint8Array);
    expect(data.byteLength).to.equal(result.outputs[0]!.bytes);
    expect(await sharp(data).metadata()).to.include({ format: 'webp', width: 256, height: 171 });
  });

  it('never upscales an image smaller than the size asked for', async function () {
    const result = expectSuccess(await pool.run(task('small.png', [256])));
    expect(result.outputs[0]).to.include({ width: 100, height: 80 });
  });

  it('keeps the alpha channel of a PNG', async function () {
    const result = expectSuccess(await pool.run(task('alpha.png')));
    expect(result.format).to.equal('png');
    expect(await sharp(result.outputs[0]!.path!).metadata()).to.include({ hasAlpha: true, width: 128, height: 85 });
  });

  it('turns an EXIF-rotated portrait upright', async function () {
    const result = expectSuccess(await pool.run(task('portrait.jpg', [256])));
    // Stored 300x200 with orientation 6 (rotate 90° clockwise to display).
    expect(result).to.include({ width: 200, height: 300 });
    const output = result.outputs[0]!;
    expect(output).to.include({ width: 171, height: 256 });
    // The stored top half (red) ends up on the right, the bottom (blue) on the left.
    const [leftRed, , leftBlue] = await pixel(output.path!, 20, 128);
    const [rightRed, , rightBlue] = await pixel(output.path!, 150, 128);
    expect(leftBlue).to.be.above(200);
    expect(leftRed).to.be.below(60);
    expect(rightRed).to.be.above(200);
    expect(rightBlue).to.be.below(60);
  });

  for (const [name, kind] of [
    ['cmyk.jpg', 'a CMYK JPEG'],
    ['deep.png', 'a 16-bit PNG'],
  ] as const) {
    it(`makes an 8-bit sRGB WebP of the same colours from ${kind}`, async function () {
      const result = expectSuccess(await pool.run(task(name)));
      const file = result.outputs[0]!.path!;
      expect(await sharp(file).metadata()).to.include({ format: 'webp', space: 'srgb', depth: 'uchar', channels: 3 });
      const [r, g, b] = await pixel(file, 64, 42);
      expect(Math.abs(r! - ORANGE.r), `red ${r}`).to.be.below(32);
      expect(Math.abs(g! - ORANGE.g), `green ${g}`).to.be.below(32);
      expect(Math.abs(b! - ORANGE.b), `blue ${b}`).to.be.below(32);
    });
  }

  it('takes image bytes, moving them to the worker rather than copying', async function () {
    const bytes = new Uint8Array(await readFile(image('photo.jpg')));
    const result = expectSuccess(
      await pool.run({
        source: { kind: 'bytes', bytes, name: 'upload.jpg' },
        outputs: [{ size: 64, path: path.join(out, 'bytes', 'upload.webp') }],
        quality: 80,
        maxPixels: MAX_PIXELS,
      }),
    );
    expect(result.outputs[0]).to.include({ width: 64, height: 43 });
    expect(bytes.byteLength, 'the caller’s buffer was transferred').to.equal(0);
  });

  for (const [name, code, says] of [
    ['missing.jpg', 'IMAGE_MISSING', /not found/],
    ['folder.jpg', 'IMAGE_UNREADABLE', /directory/],
    ['empty.jpg', 'IMAGE_UNDECODABLE', /empty/],
    ['truncated.jpg', 'IMAGE_UNDECODABLE', /cannot be decoded/],
    ['notes.jpg', 'IMAGE_UNSUPPORTED', /not an image/],
  ] as const) {
    it(`reports ${name} as ${code}, naming the file`, async function () {
      const result = await pool.run(task(name));
      expect(expectFailure(result, code, name)).to.match(says);
      expect(result.ok === false && result.message).not.to.include(dir);
    });
  }

  it('refuses a decompression bomb from its header, as IMAGE_TOO_LARGE', async function () {
    expect((await stat(image('bomb.png'))).size).to.be.below(100_000);
    const message = expectFailure(await pool.run(task('bomb.png')), 'IMAGE_TOO_LARGE', 'bomb.png');
    expect(message).to.match(/pixels/);
  });

  it('reports THUMBNAIL_WRITE_FAILED when the output directory cannot be made', async function () {
    const blocked = { ...task('photo.jpg'), outputs: [{ size: 128, path: path.join(image('blocker'), '128', 'photo.webp') }] };
    const message = expectFailure(await pool.run(blocked), 'THUMBNAIL_WRITE_FAILED', 'photo.jpg');
    expect(message).to.include('photo.webp');
  });

  it('reports a task the worker cannot understand as WORKER_CRASHED, and keeps working', async function () {
    const malformed = { ...task('photo.jpg'), source: { kind: 'url', url: 'http://example.com/a.jpg' } } as unknown as ThumbnailTask;
    const message = expectFailure(await pool.run(malformed), 'WORKER_CRASHED', 'image');
    expect(message).to.include('source.kind');
    expectSuccess(await pool.run(task('photo.jpg')));
  });

  it('counts finished tasks, whatever their outcome', async function () {
    const before = pool.stats.completed;
    await Promise.all([pool.run(task('photo.jpg')), pool.run(task('missing.jpg'))]);
    expect(pool.stats).to.include({ completed: before + 2, queued: 0, running: 0 });
    expect(pool.stats.workers).to.be.within(1, 2);
  });

  it("survives being closed while a warm pool's threads are still loading their module, at any moment", async function () {
    this.timeout(120_000);
    // Without workerExecArgv, 150 pools aborted the child in about one run of four ("IsGraphAsync must be used on an
    // instantiated module": piscina loaded the worker with require(esm), and terminating that aborts Node 20). A race
    // in Node, so this catches it in some runs only; workerExecArgv's own test checks the flag deterministically.
    const script = fileURLToPath(new URL('../helpers/closeWarmPools.js', import.meta.url));
    const child = spawn(process.execPath, [script, '150'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }, output).to.deep.equal({ code: 0, signal: null });
    expect(output).to.equal('closed 150 pools\n');
  });

  it('starts every worker with a warm pool, before any task, and a cold pool none', async function () {
    const warm = new ThumbnailPool({ workers: 2, warm: true });
    const cold = new ThumbnailPool({ workers: 2 });
    try {
      expect(warm.stats.workers).to.equal(2);
      expect(cold.stats.workers).to.equal(0);
      expectSuccess(await warm.run(task('photo.jpg')));
      expect(warm.stats.workers).to.equal(2);
    } finally {
      await warm.close();
      await cold.close();
    }
  });

  describe('started()', function () {
    /** A worker module written for the test: `body` is its source. */
    const moduleWith = async (name: string, body: string) => {
      const file = path.join(dir, name);
      await writeFile(file, body);
      return file;
    };

    it('resolves once every thread of a warm pool has answered its start-up task, one each', async function () {
      const log = path.join(dir, 'ready.log');
      const file = await moduleWith(
        'loggingWorker.mjs',
        `import { appendFileSync } from 'node:fs';\nimport { threadId } from 'node:worker_threads';\n` +
          `export default () => null;\nexport function threadReady() { appendFileSync(${JSON.stringify(log)}, threadId + '\\n'); return true; }\n`,
      );
      const pool = new ThumbnailPool({ workers: 2, warm: true, filename: file });
      try {
        await pool.started();
        const threads = (await readFile(log, 'utf8')).trim().split('\n');
        expect(threads).to.have.length(2);
        expect(new Set(threads).size).to.equal(2);
      } finally {
        await pool.close();
      }
    });

    it('resolves at once for a cold pool, starting no thread', async function () {
      const cold = new ThumbnailPool({ workers: 2 });
      try {
        await cold.started();
        expect(cold.stats.workers).to.equal(0);
      } finally {
        await cold.close();
      }
    });

    it('resolves when its threads cannot start, instead of waiting for them for ever', async function () {
      const file = await moduleWith('brokenWorker.mjs', `throw new Error('this worker cannot load');\n`);
      // piscina rejects the start-up tasks with the module's error: started() settles them and resolves, where a
      // rejection would have stopped the service from starting (mocha's timeout is the guard against a hang).
      const pool = new ThumbnailPool({ workers: 2, warm: true, filename: file, onError: () => undefined });
      try {
        expect(await pool.started().then(() => 'resolved')).to.equal('resolved');
      } finally {
        await pool.close();
      }
    });

    it('resolves after its time limit when a thread never answers', async function () {
      const file = await moduleWith('stuckWorker.mjs', `export default () => null;\nexport function threadReady() { return new Promise(() => {}); }\n`);
      const pool = new ThumbnailPool({ workers: 1, warm: true, filename: file });
      try {
        await pool.started(100);
        expect(pool.stats.workers).to.equal(1);
      } finally {
        await pool.close();
      }
    });
  });

  describe('with a worker that dies', function () {
    let dying: ThumbnailPool;

    before(async function () {
      // A real worker thread that exits mid-task for one file and is our worker for the others.
      const wrapper = path.join(dir, 'dyingWorker.mjs');
      await writeFile(
        wrapper,
        `import makeThumbnails from ${JSON.stringify(workerModule.href)};\n` +
          `export default (task) => task.source.path.endsWith('exit.jpg') ? process.exit(70) : makeThumbnails(task);\n`,
      );
      dying = new ThumbnailPool({ workers: 1, filename: wrapper });
    });

    after(async function () {
      await dying?.close();
    });

    it('reports the crash as WORKER_CRASHED and replaces the worker', async function () {
      const message = expectFailure(await dying.run(task('exit.jpg')), 'WORKER_CRASHED', 'exit.jpg');
      expect(message).to.match(/exited with code: 70/);
      expectSuccess(await dying.run(task('photo.jpg')));
      expect(dying.stats).to.include({ workers: 1, completed: 2 });
    });
  });

  it('runs up to tasksPerWorker images at once in each worker, tasks with a signal too', async function () {
    const busy = new ThumbnailPool({ workers: 1, tasksPerWorker: 3, maxQueue: 4 });
    try {
      const signal = new AbortController().signal;
      const tasks = ['photo.jpg', 'alpha.png', 'small.png', 'photo.jpg'].map((name) => busy.run(task(name, [512]), { signal }));
      expect(busy.stats).to.include({ running: 3, queued: 1 });
      for (const t of tasks) expectSuccess(await t);
      expect(busy.stats).to.include({ running: 0, queued: 0, completed: 4 });
    } finally {
      await busy.close();
    }
  });

  describe('with one worker and a queue of one', function () {
    let small: ThumbnailPool;

    beforeEach(async function () {
      small = new ThumbnailPool({ workers: 1, tasksPerWorker: 1, maxQueue: 1 });
      // Start the worker, so tasks go to it as soon as they are run.
      expectSuccess(await small.run(task('small.png')));
    });

    afterEach(async function () {
      await small.close();
    });

    it('needs draining once a task runs and one waits, and drains when one ends', async function () {
      expect(small.needsDrain).to.equal(false);
      await small.waitForDrain(); // nothing to wait for
      const first = small.run(task('photo.jpg'));
      expect(small.needsDrain).to.equal(false);
      const second = small.run(task('alpha.png'));
      expect(small.needsDrain).to.equal(true);
      expect(small.stats).to.include({ running: 1, queued: 1 });
      await small.waitForDrain();
      expect(small.needsDrain).to.equal(false);
      expectSuccess(await first);
      expectSuccess(await second);
    });

    it('counts the tasks queued beyond its capacity, and tells when each settles', async function () {
      const tasks = [small.run(task('photo.jpg')), small.run(task('alpha.png')), small.run(task('small.png'))];
      expect(small.excess).to.equal(1);
      await small.waitForSettled();
      expect(small.excess).to.equal(0);
      expect(small.stats.completed).to.equal(2);
      for (const t of tasks) expectSuccess(await t);
    });

    it('stops waiting for a drain when the signal aborts, and removes its listener', async function () {
      const running = [small.run(task('photo.jpg')), small.run(task('alpha.png'))];
      const controller = new AbortController();
      const waiting = small.waitForDrain(controller.signal);
      controller.abort();
      const err = await waiting.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAbortError(err), String(err)).to.equal(true);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
      await Promise.all(running);
    });

    it('rejects queued tasks at once and running ones once their worker is done, with an AbortError, then keeps working', async function () {
      const controller = new AbortController();
      const running = small.run(task('photo.jpg', [512]), { signal: controller.signal });
      const queued = small.run(task('alpha.png', [512]), { signal: controller.signal });
      expect(small.stats).to.include({ running: 1, queued: 1 });
      const completed = small.stats.completed;
      controller.abort();
      for (const outcome of await Promise.allSettled([running, queued])) {
        expect(outcome.status).to.equal('rejected');
        expect(isAbortError(outcome.status === 'rejected' && outcome.reason)).to.equal(true);
      }
      // The running task was not cut short (that would take terminating its worker): it ended, unused.
      expect(small.stats).to.include({ running: 0, queued: 0, completed: completed + 1 });
      expectSuccess(await small.run(task('photo.jpg')));
    });

    it('rejects at once when the signal is already aborted', async function () {
      const err = await small.run(task('photo.jpg'), { signal: AbortSignal.abort() }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAbortError(err), String(err)).to.equal(true);
      expect(small.stats).to.include({ running: 0, queued: 0 });
    });

    it('rejects tasks with an AbortError once closed', async function () {
      await small.close();
      const err = await small.run(task('photo.jpg')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAbortError(err), String(err)).to.equal(true);
    });
  });
});

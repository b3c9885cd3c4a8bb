import { once } from 'node:events';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { THUMBNAIL_DEFAULTS } from '../../src/workers/thumbnailDefaults.js';

// Child process of measureSharpCeiling: makes the service's 256 px WebP, and
// the image's hashes, for every image of a folder slice with the service's own
// worker function (the same call a default ingest makes), in `threads` worker threads of this one process and no
// pool, server or database. Start-up is kept out of the time: once its threads
// have loaded sharp it prints `{"ready":true}` and waits for a line on stdin,
// then works and prints `{"images":n,"elapsedMs":ms,"cpuMs":ms}`.
// argv: <image dir> <out dir> <threads> <first> <count> [in flight per thread, default 1]
interface Slice {
  files: string[];
  outDir: string;
  inFlight: number;
}

/** The medium size, which an ingest makes (docs/api.md). */
const SIZE = 256;

if (isMainThread) {
  const [imageDir, outDir, threadsArg, firstArg, countArg] = process.argv.slice(2);
  if (!imageDir || !outDir || !threadsArg || !firstArg || !countArg) {
    throw new Error('usage: sharpThreadsChild <image dir> <out dir> <threads> <first> <count> [in flight]');
  }
  const threads = Number(threadsArg);
  const inFlight = Number(process.argv[7] ?? 1);
  const names = (await readdir(imageDir)).filter((n) => n.endsWith('.jpg')).sort();
  const files = names.slice(Number(firstArg), Number(firstArg) + Number(countArg)).map((n) => path.join(imageDir, n));
  await mkdir(outDir, { recursive: true });
  const workers = Array.from({ length: threads }, (_, t) => {
    const slice: Slice = { files: files.filter((_, i) => i % threads === t), outDir, inFlight };
    return new Worker(new URL(import.meta.url), { workerData: slice });
  });
  await Promise.all(workers.map((worker) => once(worker, 'message')));
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  process.stdin.setEncoding('utf8');
  await once(process.stdin, 'data');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const done = workers.map((worker) => once(worker, 'message'));
  for (const worker of workers) worker.postMessage('go');
  await Promise.all(done);
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time of every thread of this process while it worked, ms: what the work cost, whatever else ran on the machine.
  process.stdout.write(`${JSON.stringify({ images: files.length, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  process.exit(0);
} else {
  const { files, outDir, inFlight } = workerData as Slice;
  const { default: makeThumbnails } = await import('../../src/workers/thumbnailWorker.js');
  parentPort!.postMessage('ready');
  await once(parentPort!, 'message');
  let next = 0;
  // `inFlight` images at once in this thread, as the pool's tasks per worker.
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const result = await makeThumbnails({
        source: { kind: 'path', path: file },
        outputs: [{ size: SIZE, path: path.join(outDir, `${path.basename(file, '.jpg')}.webp`) }],
        quality: THUMBNAIL_DEFAULTS.quality,
        effort: THUMBNAIL_DEFAULTS.effort,
        maxPixels: THUMBNAIL_DEFAULTS.maxPixels,
        // The call an ingest makes by default, hashes included: the ceiling does the service's work, no less.
        hashes: true,
      });
      if (!result.ok) throw new Error(result.message);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  parentPort!.postMessage('done');
}

import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

// Child process of measureSharpCeiling: makes the service's 256 px WebP for
// every image of a folder slice with the service's own worker function, in
// `threads` worker threads of this one process and no pool, server or database:
// the ceiling the thumbnail stage can reach in one process.
// argv: <image dir> <out dir> <threads> <first> <count> [in flight per thread, default 1]; prints one JSON line.
interface Slice {
  files: string[];
  outDir: string;
  inFlight: number;
}

if (isMainThread) {
  const [imageDir, outDir, threadsArg, firstArg, countArg] = process.argv.slice(2);
  if (!imageDir || !outDir || !threadsArg || !firstArg || !countArg) {
    throw new Error('usage: sharpThreadsChild <image dir> <out dir> <threads> <first> <count>');
  }
  const threads = Number(threadsArg);
  const inFlight = Number(process.argv[7] ?? 1);
  const names = (await readdir(imageDir)).filter((n) => n.endsWith('.jpg')).sort();
  const files = names.slice(Number(firstArg), Number(firstArg) + Number(countArg)).map((n) => path.join(imageDir, n));
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const slice: Slice = { files: files.filter((_, i) => i % threads === t), outDir, inFlight };
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: slice });
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
    }),
  );
  process.stdout.write(`${JSON.stringify({ images: files.length, elapsedMs: performance.now() - started })}\n`);
} else {
  const { files, outDir, inFlight } = workerData as Slice;
  const { default: makeThumbnails } = await import('../../src/workers/thumbnailWorker.js');
  let next = 0;
  // `inFlight` images at once in this thread, as the pool's tasks per worker.
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const result = await makeThumbnails({
        source: { kind: 'path', path: file },
        outputs: [{ size: 256, path: path.join(outDir, `${path.basename(file, '.jpg')}.webp`) }],
        quality: 80,
        maxPixels: 100_000_000,
      });
      if (!result.ok) throw new Error(result.message);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  parentPort!.postMessage('done');
}

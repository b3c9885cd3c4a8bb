import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

// Child process of measureSharpCeiling: makes the service's 256 px WebP for
// every image of a folder slice with the service's own worker function, in
// `threads` worker threads of this one process and no pool, server or database:
// the ceiling the thumbnail stage can reach in one process.
// argv: <image dir> <out dir> <threads> <first> <count>; prints one JSON line.
interface Slice {
  files: string[];
  outDir: string;
}

if (isMainThread) {
  const [imageDir, outDir, threadsArg, firstArg, countArg] = process.argv.slice(2);
  if (!imageDir || !outDir || !threadsArg || !firstArg || !countArg) {
    throw new Error('usage: sharpThreadsChild <image dir> <out dir> <threads> <first> <count>');
  }
  const threads = Number(threadsArg);
  const names = (await readdir(imageDir)).filter((n) => n.endsWith('.jpg')).sort();
  const files = names.slice(Number(firstArg), Number(firstArg) + Number(countArg)).map((n) => path.join(imageDir, n));
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const slice: Slice = { files: files.filter((_, i) => i % threads === t), outDir };
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: slice });
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
    }),
  );
  process.stdout.write(`${JSON.stringify({ images: files.length, elapsedMs: performance.now() - started })}\n`);
} else {
  const { files, outDir } = workerData as Slice;
  const { default: makeThumbnails } = await import('../../src/workers/thumbnailWorker.js');
  for (const file of files) {
    const result = await makeThumbnails({
      source: { kind: 'path', path: file },
      outputs: [{ size: 256, path: path.join(outDir, `${path.basename(file, '.jpg')}.webp`) }],
      quality: 80,
      maxPixels: 100_000_000,
    });
    if (!result.ok) throw new Error(result.message);
  }
  parentPort!.postMessage('done');
}

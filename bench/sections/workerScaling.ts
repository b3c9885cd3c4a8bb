import path from 'node:path';
import { alternate } from '../alternate.js';
import { measureSharpCeiling } from '../baselines/measureSharpCeiling.js';
import type { BenchContext } from '../BenchContext.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';

/** The worker counts compared: the issue asks how the thumbnail stage scales from one worker to two. */
const ONE = 1;
const TWO = 2;

/**
 * Target 4: the same thumbnail ingest with `WORKERS=1` and `WORKERS=2`,
 * alternated; throughput is thumbnails generated ÷ client wall time.
 */
export async function workerScaling(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const ingest = (workers: number) => (round: number) =>
    measureServiceIngest(context, { label: `scaling-workers${workers}-run${round}`, dataset, thumbnails: 'all', workers });
  const runs = await alternate(options.runs, { one: ingest(ONE), two: ingest(TWO) });
  // The same thumbnail function with nothing around it, as threads of one process
  // and as separate processes: what one process's threads can reach on this machine.
  const ceilingImages = Math.min(dataset.images, options.quick ? 60 : 400);
  const outDir = path.join(context.outputsDir, 'sharp-ceiling');
  const ceiling = (processes: number, threads: number) => () =>
    measureSharpCeiling(context.repoRoot, dataset.imageDir, outDir, ceilingImages, { processes, threads });
  const bare = await alternate(options.runs, {
    oneThread: ceiling(1, ONE),
    twoThreads: ceiling(1, TWO),
    twoProcesses: ceiling(TWO, 1),
  });
  const median = (values: number[]) => summarize(values).median;
  const rate = (r: (typeof runs.one)[number]) => (r.complete.thumbnails.generated / r.wallMs) * 1000;
  const serverRate = (r: (typeof runs.one)[number]) => (r.complete.thumbnails.generated / r.complete.duration_ms) * 1000;
  return {
    title: `Thumbnail worker scaling (${dataset.images.toLocaleString('en-US')} images, WORKERS=${ONE} vs ${TWO})`,
    method:
      `Fresh service per run, \`thumbnails: "all"\`, alternating \`WORKERS=${ONE}\` and \`WORKERS=${TWO}\` on a machine with ` +
      `${options.cores} cores. Throughput = thumbnails generated ÷ client wall time (POST to \`complete\`); the same from the server's ` +
      '`duration_ms` is shown for reference. The main thread (parsing, DuckDB, HTTP) shares the cores with the workers.',
    figures: [
      { label: `WORKERS=${ONE} client wall`, unit: 's', values: runs.one.map((r) => r.wallMs / 1000) },
      { label: `WORKERS=${ONE} thumbnails/s (client wall)`, unit: 'images/s', values: runs.one.map(rate) },
      { label: `WORKERS=${ONE} thumbnails/s (server duration_ms)`, unit: 'images/s', values: runs.one.map(serverRate) },
      { label: `WORKERS=${TWO} client wall`, unit: 's', values: runs.two.map((r) => r.wallMs / 1000) },
      { label: `WORKERS=${TWO} thumbnails/s (client wall)`, unit: 'images/s', values: runs.two.map(rate) },
      { label: `WORKERS=${TWO} thumbnails/s (server duration_ms)`, unit: 'images/s', values: runs.two.map(serverRate) },
    ],
    targets: [
      checkTarget(
        TARGETS.workerScaling,
        summarize(runs.two.map(rate)).median / summarize(runs.one.map(rate)).median,
        `median thumbnails/s with WORKERS=${TWO} ÷ median with WORKERS=${ONE}`,
      ),
    ],
    tables: [
      {
        title: `The thumbnail function alone (${ceilingImages} images, no pool, server or database)`,
        header: ['Run as', 'Median images/s', 'Runs', 'vs one thread'],
        rows: [
          ['1 worker thread', median(bare.oneThread).toFixed(1), bare.oneThread.map((v) => v.toFixed(1)).join(', '), '1.00x'],
          [`${TWO} worker threads, one process`, median(bare.twoThreads).toFixed(1), bare.twoThreads.map((v) => v.toFixed(1)).join(', '), `${(median(bare.twoThreads) / median(bare.oneThread)).toFixed(2)}x`],
          [`${TWO} processes of one thread`, median(bare.twoProcesses).toFixed(1), bare.twoProcesses.map((v) => v.toFixed(1)).join(', '), `${(median(bare.twoProcesses) / median(bare.oneThread)).toFixed(2)}x`],
        ],
        note:
          'The service\'s own thumbnail function (src/workers/thumbnailWorker.ts) over the same photos. Two threads of one process ' +
          'against two processes shows how far one process\'s threads can scale here, whatever pool or pipeline is around them.',
      },
    ],
  };
}

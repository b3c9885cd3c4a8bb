import path from 'node:path';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { measureSharpCeiling } from '../baselines/measureSharpCeiling.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';

/** Images each worker thread works on at once, the service's curve; 4 is its default (THUMBNAIL_TASKS_PER_WORKER). */
const TASKS_PER_WORKER = [1, 2, 4, 8] as const;
const DEFAULT_TASKS = 4;

/**
 * Target 4: the thumbnail ingest against the machine's ceiling, the service's
 * own thumbnail function in one process per core with nothing around it; and
 * the curve of the ingest over the images each worker works on at once.
 */
export async function thumbnailCeiling(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const cores = options.cores;
  const dataset = await context.dataset(options.thumbImages);
  const ingest = (tasks: number) => (round: number) =>
    measureServiceIngest(context, {
      label: `ceiling-tasks${tasks}-run${round}`,
      dataset,
      thumbnails: 'all',
      workers: cores,
      env: { THUMBNAIL_TASKS_PER_WORKER: String(tasks) },
    });
  const runs = await alternate(options.runs, Object.fromEntries(TASKS_PER_WORKER.map((t) => [`t${t}`, ingest(t)])));
  const ceilingImages = Math.min(dataset.images, options.quick ? 60 : 400);
  const outDir = path.join(context.outputsDir, 'sharp-ceiling');
  const bare = (processes: number, threads: number, inFlight: number) => () =>
    measureSharpCeiling(context.repoRoot, dataset.imageDir, outDir, ceilingImages, { processes, threads, inFlight });
  const shapes = {
    processes1: bare(cores, 1, 1),
    processes4: bare(cores, 1, DEFAULT_TASKS),
    threads1: bare(1, cores, 1),
    threads4: bare(1, cores, DEFAULT_TASKS),
  };
  const measured = await alternate(options.runs, shapes);
  const median = (values: number[]) => summarize(values).median;
  const rate = (r: { complete: { thumbnails: { generated: number } }; wallMs: number }) => (r.complete.thumbnails.generated / r.wallMs) * 1000;
  const ceiling = Math.max(median(measured.processes1), median(measured.processes4));
  const service = median(runs[`t${DEFAULT_TASKS}`]!.map(rate));
  const row = (label: string, values: number[]) => [
    label,
    median(values).toFixed(1),
    values.map((v) => v.toFixed(1)).join(', '),
    `${(median(values) / ceiling).toFixed(2)}x`,
  ];
  return {
    title: `Thumbnails at the machine's limit (${dataset.images.toLocaleString('en-US')} images, WORKERS=${cores})`,
    method:
      `Fresh service per run, \`thumbnails: "all"\`, \`WORKERS=${cores}\`, alternating \`THUMBNAIL_TASKS_PER_WORKER\` ` +
      `${TASKS_PER_WORKER.join(', ')}; throughput = thumbnails generated ÷ client wall time (POST to \`complete\`). The ceiling is ` +
      `the service's own thumbnail function (src/workers/thumbnailWorker.ts) over ${ceilingImages} of the same photos, in ` +
      `${cores} processes of one thread (one per core), with 1 or ${DEFAULT_TASKS} images at once in each: the better of the two. ` +
      'The same function in one process of as many threads shows what threads of one process reach.',
    figures: TASKS_PER_WORKER.flatMap((t) => [
      { label: `${t} per worker: thumbnails/s (client wall)`, unit: 'images/s' as const, values: runs[`t${t}`]!.map(rate) },
      { label: `${t} per worker: peak RSS (VmHWM)`, unit: 'MB' as const, values: runs[`t${t}`]!.map((r) => r.peakRssBytes / 1e6) },
    ]),
    targets: [
      checkTarget(
        TARGETS.machineCeiling,
        service / ceiling,
        `median service thumbnails/s with ${DEFAULT_TASKS} per worker ÷ the better median of the function in ${cores} processes`,
      ),
    ],
    tables: [
      {
        title: `The thumbnail function alone (${ceilingImages} images, no pool, server or database), against the ceiling`,
        header: ['Run as', 'Median images/s', 'Runs', 'vs ceiling'],
        rows: [
          row(`${cores} processes, 1 image at once each`, measured.processes1),
          row(`${cores} processes, ${DEFAULT_TASKS} images at once each`, measured.processes4),
          row(`1 process, ${cores} threads, 1 image at once each`, measured.threads1),
          row(`1 process, ${cores} threads, ${DEFAULT_TASKS} images at once each`, measured.threads4),
          ...TASKS_PER_WORKER.map((t) => row(`the service, ${t} per worker`, runs[`t${t}`]!.map(rate))),
        ],
        note: 'Ratios are to the ceiling, the better of the two process rows.',
      },
    ],
  };
}

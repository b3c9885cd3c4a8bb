import { THUMBNAIL_POOL_DEFAULTS } from '../../src/workers/thumbnailPoolDefaults.js';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { formatValue } from '../formatValue.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';

/**
 * The curve the default `THUMBNAIL_TASKS_PER_WORKER` is chosen from: the
 * thumbnail ingest with each value of `--tasks-per-worker`, alternated over the
 * runs, with each run's rate and its rank within its round, so that a value
 * ahead by noise in one round does not pass for a better setting.
 */
export async function thumbnailCeiling(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const cores = options.cores;
  const dataset = await context.dataset(options.thumbImages);
  const ingest = (tasks: number) => (round: number) =>
    measureServiceIngest(context, {
      label: `tasks${tasks}-run${round}`,
      dataset,
      thumbnails: 'all',
      workers: cores,
      env: { THUMBNAIL_TASKS_PER_WORKER: String(tasks) },
    });
  const sweep = options.tasksPerWorker;
  const runs = await alternate(options.runs, Object.fromEntries(sweep.map((t) => [`t${t}`, ingest(t)])));
  const rates = Object.fromEntries(sweep.map((t) => [t, runs[`t${t}`]!.map((r) => (r.complete.thumbnails.generated / r.wallMs) * 1000)]));
  // Each round's best rate: a setting's share of it says how it fared against the others under the same conditions.
  const best = Array.from({ length: options.runs }, (_, i) => Math.max(...sweep.map((t) => rates[t]![i]!)));
  const share = (t: number) => summarize(rates[t]!.map((v, i) => v / best[i]!));
  const chosen = sweep.reduce((a, b) => (share(b).median > share(a).median ? b : a));
  return {
    title: `Thumbnail ingest over tasks per worker (${dataset.images.toLocaleString('en-US')} images, WORKERS=${cores})`,
    method:
      `Fresh service per run, \`thumbnails: "all"\`, \`WORKERS=${cores}\`, rounds alternating \`THUMBNAIL_TASKS_PER_WORKER\` ` +
      `${sweep.join(', ')} (\`--tasks-per-worker\`); throughput = thumbnails generated ÷ client wall time (POST to \`complete\`). ` +
      "A setting's share of its round's best rate is the fairest comparison on a noisy machine.",
    figures: sweep.flatMap((t) => [
      { label: `${t} per worker: thumbnails/s (client wall)`, unit: 'images/s' as const, values: rates[t]! },
      { label: `${t} per worker: peak RSS (VmHWM)`, unit: 'MB' as const, values: runs[`t${t}`]!.map((r) => r.peakRssBytes / 1e6) },
    ]),
    targets: [],
    tables: [
      {
        title: 'The curve',
        header: ['Tasks per worker', 'Median images/s', 'Runs', "Median share of its round's best", 'Shares'],
        rows: sweep.map((t) => [
          `${t}${t === THUMBNAIL_POOL_DEFAULTS.tasksPerWorker ? ' (the default)' : ''}`,
          formatValue(summarize(rates[t]!).median, 'images/s'),
          rates[t]!.map((v) => formatValue(v, 'images/s')).join(', '),
          formatValue(share(t).median * 100, '%'),
          share(t)
            .values.map((v) => formatValue(v * 100, '%'))
            .join(', '),
        ]),
        note: `Best by median share in this run: ${chosen} per worker (the default is ${THUMBNAIL_POOL_DEFAULTS.tasksPerWorker}).`,
      },
    ],
  };
}

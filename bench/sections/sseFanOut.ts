import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { roundRatios } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';

/**
 * Target 5: one thumbnail ingest watched by one SSE client, then by many (real
 * connections from this process, each parsing every event), alternated. The
 * many clients open their streams as soon as the POST has answered 202; the
 * stream replays what they missed.
 */
export async function sseFanOut(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const many = options.sseClients;
  const ingest = (watchers: number) => (round: number) =>
    measureServiceIngest(context, { label: `fanout-${watchers}clients-run${round}`, dataset, thumbnails: 'all', workers: options.cores, watchers });
  const runs = await alternate(options.runs, { one: ingest(1), many: ingest(many) });
  const slowdown = roundRatios(
    runs.many.map((r) => r.wallMs),
    runs.one.map((r) => r.wallMs),
  ).values.map((ratio) => (ratio - 1) * 100);
  return {
    title: `SSE fan-out (${many} clients watching a ${dataset.images.toLocaleString('en-US')}-image thumbnail ingest)`,
    method:
      `Fresh service per run, \`WORKERS=${options.cores}\`, \`thumbnails: "all"\`. Wall time from the POST to the first-opened client's ` +
      `receiving \`complete\`; with ${many} clients, also to the last one's. Every client must receive \`complete\`.`,
    figures: [
      { label: '1 client: wall', unit: 's', values: runs.one.map((r) => r.wallMs / 1000) },
      { label: '1 client: server duration_ms', unit: 's', values: runs.one.map((r) => r.complete.duration_ms / 1000) },
      { label: '1 client: events received', unit: 'count', values: runs.one.map((r) => r.events) },
      { label: `${many} clients: wall (first client opened)`, unit: 's', values: runs.many.map((r) => r.wallMs / 1000) },
      { label: `${many} clients: wall (last client)`, unit: 's', values: runs.many.map((r) => r.lastWatcherMs / 1000) },
      { label: `${many} clients: server duration_ms`, unit: 's', values: runs.many.map((r) => r.complete.duration_ms / 1000) },
      { label: `${many} clients: events received per client`, unit: 'count', values: runs.many.map((r) => r.events) },
    ],
    targets: [checkTarget(TARGETS.sseFanOut, slowdown, `each round's wall with ${many} clients ÷ the same round's wall with 1, minus 1`)],
    tables: [],
  };
}

import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { type EventLoopDelay, scrapeEventLoopDelay } from '../eventLoopDelay.js';
import { formatValue } from '../formatValue.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import { OpenLoopProbe, type ProbeSeries } from '../OpenLoopProbe.js';
import type { ReportTable, SectionResult } from '../reportModel.js';
import { percentile, roundRatios } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';
import { withService } from '../withService.js';

const MB = 1e6;
/**
 * Time between two scheduled probes of each series, ms: with the two series,
 * the service is asked every 50 ms on average. Probes are a user browsing, not
 * a load test: at 20 a second each, an overloaded service fell ever further
 * behind and the probes slowed the very ingest they watch.
 */
const PROBE_INTERVAL_MS = 100;

/** One probe series: p50, p99 and max of its latencies, ms, how many were sent and how many skipped. */
interface ProbeStats {
  p50: number;
  p99: number;
  max: number;
  count: number;
  skipped: number;
}

/**
 * Targets 8a-8e: a metadata-only ingest ten times the metadata section's
 * (1,000,000 images, 7.5M annotations, 3.6 GB), alternated with the 100K one.
 * Its peak memory, its per-image rate against the same round's 100K one, how
 * the API answers meanwhile, and the service's event-loop delay. The API is
 * probed open-loop: `GET /samples` of another dataset, and of the dataset
 * being ingested, each on a fixed 100 ms schedule whatever the answers, each
 * latency counted from its scheduled send time.
 */
export async function largeIngest(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const large = await context.dataset(options.largeImages, false);
  const base = await context.dataset(options.metadataImages, false);
  const other = await context.dataset(Math.min(1000, options.thumbImages), false);
  const runLarge = (round: number) =>
    withService(context, `large-${large.name}-run${round}`, options.cores, async (service) => {
      // The dataset the first probes read: committed before the large ingest starts.
      const probe = await ingestOverHttp(service.url, {
        annotation_path: other.annotationPath,
        image_dir: other.imageDir,
        dataset_name: 'probe',
        thumbnails: 'none',
      });
      const get = (path: string) => async () => {
        const response = await fetch(`${service.url}${path}`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      };
      const probes: OpenLoopProbe[] = [
        OpenLoopProbe.start({ intervalMs: PROBE_INTERVAL_MS, send: get(`/samples?dataset_id=${probe.complete.dataset_id}&limit=50`) }),
      ];
      await scrapeEventLoopDelay(service.url);
      const result = await ingestOverHttp(
        service.url,
        { annotation_path: large.annotationPath, image_dir: large.imageDir, dataset_name: large.name, thumbnails: 'none' },
        {
          onAccepted: ({ dataset_id }) => {
            probes.push(OpenLoopProbe.start({ intervalMs: PROBE_INTERVAL_MS, send: get(`/samples?dataset_id=${dataset_id}&limit=50`) }));
          },
        },
      );
      const [otherLatencies, selfLatencies] = await Promise.all(probes.map((p) => p.stop()));
      const eventLoopDelay = await scrapeEventLoopDelay(service.url);
      const peakRssBytes = await service.peakRss();
      const stats = { other: probeStats(otherLatencies!), self: probeStats(selfLatencies!) };
      log(
        `large-run${round}: ${(result.wallMs / 1000).toFixed(1)} s wall, peak RSS ${(peakRssBytes / MB).toFixed(0)} MB, ` +
          `GET /samples p99 ${stats.other.p99.toFixed(0)} ms (other), ${stats.self.p99.toFixed(0)} ms (self), event-loop max ${eventLoopDelay.maxMs.toFixed(0)} ms`,
      );
      return { ...result, peakRssBytes, probes: stats, eventLoopDelay };
    });
  const runBase = (round: number) =>
    measureServiceIngest(context, { label: `large-${base.name}-run${round}`, dataset: base, thumbnails: 'none', workers: options.cores });
  const runs = await alternate(options.runs, { large: runLarge, base: runBase });
  const rate = (images: number) => (r: { wallMs: number }) => (images / r.wallMs) * 1000;
  const rates = roundRatios(runs.large.map(rate(large.images)), runs.base.map(rate(base.images)));
  const delay = (pick: (d: EventLoopDelay) => number) => runs.large.map((r) => pick(r.eventLoopDelay));
  return {
    title: `Ten times the data (${large.images.toLocaleString('en-US')} images against ${base.images.toLocaleString('en-US')}, metadata only)`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`), \`thumbnails: "none"\`, rounds alternating ${large.name} and ` +
      `${base.name}. Before the large ingest the service ingests ${other.name}. During the large ingest two open-loop probes run: ` +
      `\`GET /samples?dataset_id=<${other.name}>&limit=50\` from just before the POST, and \`GET /samples?dataset_id=<${large.name}>&limit=50\` ` +
      `from its 202, each sent every ${PROBE_INTERVAL_MS} ms on a fixed schedule whether or not earlier probes have answered (up to 100 ` +
      "unanswered; beyond, a probe is skipped and counted); each latency runs from the probe's scheduled send time to its whole answer, so a stall counts for every probe it holds up. " +
      "Peak RSS is the server's `VmHWM`. The event-loop delay is the service's `perf_hooks.monitorEventLoopDelay` over the ingest " +
      "(prom-client's `nodejs_eventloop_lag_max_seconds` and `_p99_seconds` on `GET /metrics`, reset by a scrape just before the POST, " +
      'read just after `complete`; 10 ms resolution).',
    figures: [
      { label: `${large.name}: client wall`, unit: 's', values: runs.large.map((r) => r.wallMs / 1000) },
      { label: `${large.name}: images/s (client wall)`, unit: 'images/s', values: runs.large.map(rate(large.images)) },
      { label: `${base.name}: images/s (client wall)`, unit: 'images/s', values: runs.base.map(rate(base.images)) },
      { label: `${large.name}: service peak RSS (VmHWM)`, unit: 'MB', values: runs.large.map((r) => r.peakRssBytes / MB) },
      { label: `${base.name}: service peak RSS (VmHWM)`, unit: 'MB', values: runs.base.map((r) => r.peakRssBytes / MB) },
      { label: `${large.name}: event-loop delay max`, unit: 'ms', values: delay((d) => d.maxMs) },
      { label: `${large.name}: event-loop delay p99`, unit: 'ms', values: delay((d) => d.p99Ms) },
      { label: `${base.name}: event-loop delay max`, unit: 'ms', values: runs.base.map((r) => r.eventLoopDelay.maxMs) },
      { label: `${base.name}: event-loop delay p99`, unit: 'ms', values: runs.base.map((r) => r.eventLoopDelay.p99Ms) },
    ],
    targets: [
      checkTarget(
        TARGETS.largePeakRss,
        runs.large.map((r) => r.peakRssBytes / MB),
        `each ${large.name} run's VmHWM`,
      ),
      checkTarget(TARGETS.largeRate, rates.values, `each round's images/s of ${large.name} ÷ the same round's images/s of ${base.name}`),
      checkTarget(
        TARGETS.largeApiLatency,
        runs.large.map((r) => r.probes.other.p99),
        "each run's p99 of its open-loop probes of the other dataset",
      ),
      checkTarget(
        TARGETS.largeApiLatencySelf,
        runs.large.map((r) => r.probes.self.p99),
        "each run's p99 of its open-loop probes of the dataset being ingested",
      ),
      checkTarget(
        TARGETS.largeEventLoopDelay,
        delay((d) => d.maxMs),
        "each run's event-loop delay max",
      ),
    ],
    tables: [
      probeTable(runs.large.map((r) => r.probes)),
      timingTable(
        `Where the time goes: ${large.name}, from the complete events`,
        runs.large.map((r) => r.complete),
      ),
    ],
  };
}

function probeStats({ latencies, skipped }: ProbeSeries): ProbeStats {
  // No answer at all is no evidence of speed: NaN fails every target.
  if (latencies.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN, count: 0, skipped };
  // A skipped probe would have waited at least as long as the slowest: it makes the p99 unknown, and the run fails.
  const p99 = skipped > 0 ? Number.POSITIVE_INFINITY : percentile(latencies, 99);
  return { p50: percentile(latencies, 50), p99, max: Math.max(...latencies), count: latencies.length, skipped };
}

function probeTable(runs: { other: ProbeStats; self: ProbeStats }[]): ReportTable {
  const ms = (v: number) => formatValue(v, 'ms');
  return {
    title: 'GET /samples during the large ingest, open-loop probes, every run',
    header: ['Run', 'Dataset probed', 'Probes answered', 'Skipped (100 unanswered)', 'p50 ms', 'p99 ms', 'Max ms'],
    rows: runs.flatMap((r, i) =>
      (
        [
          ['another (ready) dataset', r.other],
          ['the one being ingested', r.self],
        ] as const
      ).map(([what, s]) => [String(i + 1), what, String(s.count), String(s.skipped), ms(s.p50), ms(s.p99), ms(s.max)]),
    ),
    note: 'A run that skipped probes (the service more than 100 probes behind) has no p99: it is shown as ∞ and fails.',
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { percentile, summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';
import { withService } from '../withService.js';

const MB = 1e6;
/** How often the API is asked during the large ingest, in ms. */
const PROBE_INTERVAL_MS = 100;

/**
 * Targets 8a-8c: a metadata-only ingest ten times the metadata section's
 * (1,000,000 images, 7.5M annotations, 3.6 GB), alternated with the 100K one.
 * Its peak memory, its per-image rate against the 100K's, and how the API
 * answers meanwhile: `GET /samples` of another dataset, every 100 ms.
 */
export async function largeIngest(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const large = await context.dataset(options.largeImages, false);
  const base = await context.dataset(options.metadataImages, false);
  const other = await context.dataset(Math.min(1000, options.thumbImages), false);
  const runLarge = (round: number) =>
    withService(context, `large-${large.name}-run${round}`, options.cores, async (service) => {
      // The dataset the probes read: committed before the large ingest starts.
      await ingestOverHttp(service.url, { annotation_path: other.annotationPath, image_dir: other.imageDir, dataset_name: 'probe', thumbnails: 'none' });
      const latencies: number[] = [];
      let running = true;
      const probing = (async () => {
        while (running) {
          const started = performance.now();
          const response = await fetch(`${service.url}/samples?dataset_id=1&limit=50`);
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`GET /samples answered ${response.status}`);
          latencies.push(performance.now() - started);
          await sleep(PROBE_INTERVAL_MS);
        }
      })();
      const result = await ingestOverHttp(service.url, {
        annotation_path: large.annotationPath,
        image_dir: large.imageDir,
        dataset_name: large.name,
        thumbnails: 'none',
      });
      running = false;
      await probing;
      const peakRssBytes = await service.peakRss();
      const p99 = percentile(latencies, 99);
      log(
        `large-run${round}: ${(result.wallMs / 1000).toFixed(1)} s wall, peak RSS ${(peakRssBytes / MB).toFixed(0)} MB, GET /samples p99 ${p99.toFixed(0)} ms over ${latencies.length}`,
      );
      return { ...result, peakRssBytes, latencies };
    });
  const runBase = (round: number) =>
    measureServiceIngest(context, { label: `large-${base.name}-run${round}`, dataset: base, thumbnails: 'none', workers: options.cores });
  const runs = await alternate(options.runs, { large: runLarge, base: runBase });
  const rate = (images: number) => (r: { wallMs: number }) => (images / r.wallMs) * 1000;
  const largeRate = summarize(runs.large.map(rate(large.images))).median;
  const baseRate = summarize(runs.base.map(rate(base.images))).median;
  const p99s = runs.large.map((r) => percentile(r.latencies, 99));
  const p50s = runs.large.map((r) => percentile(r.latencies, 50));
  return {
    title: `Ten times the data (${large.images.toLocaleString('en-US')} images against ${base.images.toLocaleString('en-US')}, metadata only)`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`), \`thumbnails: "none"\`, rounds alternating ${large.name} and ` +
      `${base.name}. Before the large ingest the service ingests ${other.name}; while it runs, \`GET /samples?dataset_id=<${other.name}>&limit=50\` ` +
      `is sent every ${PROBE_INTERVAL_MS} ms and timed by the client. Peak RSS is the server's \`VmHWM\`.`,
    figures: [
      { label: `${large.name}: client wall`, unit: 's', values: runs.large.map((r) => r.wallMs / 1000) },
      { label: `${large.name}: images/s (client wall)`, unit: 'images/s', values: runs.large.map(rate(large.images)) },
      { label: `${base.name}: images/s (client wall)`, unit: 'images/s', values: runs.base.map(rate(base.images)) },
      { label: `${large.name}: service peak RSS (VmHWM)`, unit: 'MB', values: runs.large.map((r) => r.peakRssBytes / MB) },
      { label: `${base.name}: service peak RSS (VmHWM)`, unit: 'MB', values: runs.base.map((r) => r.peakRssBytes / MB) },
      { label: 'GET /samples during the large ingest: p50', unit: 'ms', values: p50s },
      { label: 'GET /samples during the large ingest: p99', unit: 'ms', values: p99s },
      { label: 'GET /samples during the large ingest: requests', unit: 'count', values: runs.large.map((r) => r.latencies.length) },
    ],
    targets: [
      checkTarget(TARGETS.largePeakRss, summarize(runs.large.map((r) => r.peakRssBytes / MB)).median, `median VmHWM over the ${large.name} runs`),
      checkTarget(TARGETS.largeRate, largeRate / baseRate, `median images/s of ${large.name} ÷ median images/s of ${base.name}`),
      checkTarget(TARGETS.largeApiLatency, summarize(p99s).median, "median over the runs of each run's p99"),
    ],
    tables: [
      timingTable(
        `Where the time goes: ${large.name}, from the complete events`,
        runs.large.map((r) => r.complete),
      ),
    ],
  };
}

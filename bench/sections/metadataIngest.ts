import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { parseWithJsonParse } from '../baselines/parseWithJsonParse.js';
import { parseWithStreamJson, type StreamJsonVariant } from '../baselines/parseWithStreamJson.js';
import { datasetTable } from '../datasetTable.js';
import { formatWithUnit } from '../formatValue.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { PreparedDataset } from '../prepareDataset.js';
import type { SectionResult } from '../reportModel.js';
import { SERVICE_PROCESS_DEFAULTS } from '../ServiceProcess.js';
import { roundRatios, summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';

const MB = 1e6;

/**
 * Targets 2 and 3: the metadata-only ingest (`thumbnails: "none"`) of the large
 * file against V8's `JSON.parse` of it (the floor for parsing on one thread)
 * and against stream-json merely parsing it (kept for continuity), and the
 * server's memory on the large and the small file. stream-json runs as
 * documented, `parser()`, and with `parser({ streamValues: false })`, the
 * faster way to feed `streamValues()`; target 2b is checked against the faster
 * of the two in each round. Rounds alternate: JSON.parse, stream-json,
 * stream-json packed-only, large, small; every ratio is per round.
 */
export async function metadataIngest(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const large = await context.dataset(options.metadataImages);
  const small = await context.dataset(options.metadataSmallImages);
  const parse = (variant: StreamJsonVariant) => async (round: number) => {
    const result = await parseWithStreamJson(context.repoRoot, large.annotationPath, large.images + large.annotations + large.categories, variant);
    log(`stream-json (${variant}) run ${round}: ${(result.elapsedMs / 1000).toFixed(2)} s`);
    return result;
  };
  const jsonParse = async (round: number) => {
    const result = await parseWithJsonParse(context.repoRoot, large.annotationPath, large.images + large.annotations + large.categories);
    log(`JSON.parse run ${round}: ${(result.elapsedMs / 1000).toFixed(2)} s`);
    return result;
  };
  const ingest = (dataset: PreparedDataset) => (round: number) =>
    measureServiceIngest(context, { label: `metadata-${dataset.name}-run${round}`, dataset, thumbnails: 'none', workers: options.cores });
  const runs = await alternate(options.runs, {
    jsonParse,
    streamJson: parse('default'),
    streamJsonPacked: parse('packed-only'),
    large: ingest(large),
    small: ingest(small),
  });

  const largeWall = runs.large.map((r) => r.wallMs);
  const vsJsonParse = roundRatios(
    largeWall,
    runs.jsonParse.map((r) => r.elapsedMs),
  );
  const vsParser = roundRatios(
    largeWall,
    runs.streamJson.map((r) => r.elapsedMs),
  );
  const vsPacked = roundRatios(
    largeWall,
    runs.streamJsonPacked.map((r) => r.elapsedMs),
  );
  const fasterStreamJson = runs.streamJson.map((r, i) => Math.min(r.elapsedMs, runs.streamJsonPacked[i]!.elapsedMs));
  // Growth of what the ingest itself holds: each run's peak minus the same service's RSS when idle, before the POST.
  const aboveIdle = (r: { peakRssBytes: number; idleRssBytes: number }) => r.peakRssBytes - r.idleRssBytes;
  const growth = roundRatios(runs.large.map(aboveIdle), runs.small.map(aboveIdle)).values.map((ratio) => (ratio - 1) * 100);
  const ratioRow = (baseline: string, ms: number[], ratios: { median: number; values: number[] }) => [
    baseline,
    formatWithUnit(summarize(ms).median / 1000, 's'),
    formatWithUnit(ratios.median, 'x'),
    ratios.values.map((v) => formatWithUnit(v, 'x')).join(', '),
  ];
  return {
    title: `Metadata-only ingest (${large.images.toLocaleString('en-US')} and ${small.images.toLocaleString('en-US')} images)`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`), \`thumbnails: "none"\`; wall time measured by the client ` +
      "from sending `POST /datasets/ingest` to receiving `complete` on `GET /jobs/{id}/events`. Peak RSS is the server process's `VmHWM` " +
      "read just before SIGTERM. The baseline is stream-json's standard pipeline `chain([createReadStream, parser(), " +
      'pick({filter: /^(images|annotations|categories)\\.\\d+$/}), streamValues()])` assembling every record of the large file, in a ' +
      'child process, timed inside it from opening the file to the end of the stream; it is also run with `parser({streamValues: false})` ' +
      `(packed tokens only, all that \`streamValues()\` reads). The floor: \`JSON.parse(readFileSync(file, 'utf8'))\` of the large file in a ` +
      `child process, timed inside it from the read to the parsed object; it grows a heap about three times the file, so its time moves with what a page fault costs the machine (the settings give it at the start and end of the run), far more than the ingest's, which reuses a few hundred MB. Rounds alternate JSON.parse, stream-json, stream-json packed-only, ` +
      `${large.name}, ${small.name}; every ratio is the service's wall of a round against the baseline of the same round. The event-loop ` +
      "delay is the service's own `perf_hooks.monitorEventLoopDelay` (prom-client's `nodejs_eventloop_lag_*` gauges on `GET /metrics`, " +
      'reset by a scrape just before the POST and read by one just after `complete`).',
    figures: [
      { label: `JSON.parse(readFileSync) of ${large.name}`, unit: 's', values: runs.jsonParse.map((r) => r.elapsedMs / 1000) },
      { label: 'JSON.parse child peak RSS', unit: 'MB', values: runs.jsonParse.map((r) => r.peakRssBytes / MB) },
      { label: `stream-json parse of ${large.name}, parser()`, unit: 's', values: runs.streamJson.map((r) => r.elapsedMs / 1000) },
      { label: `stream-json parse of ${large.name}, parser({streamValues: false})`, unit: 's', values: runs.streamJsonPacked.map((r) => r.elapsedMs / 1000) },
      { label: 'stream-json child peak RSS, parser()', unit: 'MB', values: runs.streamJson.map((r) => r.peakRssBytes / MB) },
      { label: `service ingest of ${large.name}, client wall`, unit: 's', values: runs.large.map((r) => r.wallMs / 1000) },
      { label: `service ingest of ${large.name}, server duration_ms`, unit: 's', values: runs.large.map((r) => r.complete.duration_ms / 1000) },
      { label: `service ingest of ${large.name}, images/s (client wall)`, unit: 'images/s', values: runs.large.map((r) => (large.images / r.wallMs) * 1000) },
      { label: `service peak RSS (VmHWM), ${large.name}`, unit: 'MB', values: runs.large.map((r) => r.peakRssBytes / MB) },
      {
        label: `service largest sampled RSS (every ${SERVICE_PROCESS_DEFAULTS.rssIntervalMs} ms), ${large.name}`,
        unit: 'MB',
        values: runs.large.map((r) => r.maxSampledRssBytes / MB),
      },
      { label: `service RSS when idle, before the POST, ${large.name} runs`, unit: 'MB', values: runs.large.map((r) => r.idleRssBytes / MB) },
      { label: `service event-loop delay during the ${large.name} ingest: max`, unit: 'ms', values: runs.large.map((r) => r.eventLoopDelay.maxMs) },
      { label: `service event-loop delay during the ${large.name} ingest: p99`, unit: 'ms', values: runs.large.map((r) => r.eventLoopDelay.p99Ms) },
      { label: `service ingest of ${small.name}, client wall`, unit: 's', values: runs.small.map((r) => r.wallMs / 1000) },
      { label: `service peak RSS (VmHWM), ${small.name}`, unit: 'MB', values: runs.small.map((r) => r.peakRssBytes / MB) },
      { label: `service RSS when idle, before the POST, ${small.name} runs`, unit: 'MB', values: runs.small.map((r) => r.idleRssBytes / MB) },
    ],
    targets: [
      checkTarget(TARGETS.metadataVsJsonParse, vsJsonParse.values, "each round's service client wall ÷ the same round's JSON.parse time"),
      checkTarget(
        TARGETS.metadataVsStreamJson,
        roundRatios(largeWall, fasterStreamJson).values,
        "each round's service client wall ÷ the same round's faster stream-json pipeline",
      ),
      checkTarget(
        TARGETS.metadataPeakRss,
        runs.large.map((r) => r.peakRssBytes / MB),
        `each ${large.name} run's VmHWM`,
      ),
      checkTarget(TARGETS.metadataRssGrowth, growth, `each round's (VmHWM − idle RSS) of ${large.name} ÷ (VmHWM − idle RSS) of ${small.name}, minus 1`),
    ],
    tables: [
      {
        title: 'Service time against each baseline (per round)',
        header: ['Baseline', 'Median time', 'Service client wall ÷ baseline (median of rounds)', 'Rounds'],
        rows: [
          ratioRow(
            'JSON.parse(readFileSync(file)) (target 2)',
            runs.jsonParse.map((r) => r.elapsedMs),
            vsJsonParse,
          ),
          ratioRow(
            'stream-json parser()',
            runs.streamJson.map((r) => r.elapsedMs),
            vsParser,
          ),
          ratioRow(
            'stream-json parser({streamValues: false})',
            runs.streamJsonPacked.map((r) => r.elapsedMs),
            vsPacked,
          ),
        ],
      },
      datasetTable([large, small]),
      timingTable(
        `Where the time goes: ${large.name}, from the complete events`,
        runs.large.map((r) => r.complete),
      ),
      timingTable(
        `Where the time goes: ${small.name}`,
        runs.small.map((r) => r.complete),
      ),
    ],
  };
}

import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { parseWithStreamJson, type StreamJsonVariant } from '../baselines/parseWithStreamJson.js';
import { datasetTable } from '../datasetTable.js';
import { formatWithUnit } from '../formatValue.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { PreparedDataset } from '../prepareDataset.js';
import type { SectionResult } from '../reportModel.js';
import { SERVICE_PROCESS_DEFAULTS } from '../ServiceProcess.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';

const MB = 1e6;

/**
 * Targets 2 and 3: the metadata-only ingest (`thumbnails: "none"`) of the large
 * file against stream-json merely parsing it, and the server's peak memory on
 * the large and the small file. stream-json runs as documented, `parser()`, and
 * with `parser({ streamValues: false })`, the faster way to feed
 * `streamValues()`; target 2 is checked against the faster of the two, so that
 * it does not rest on a baseline that could easily be quicker.
 * Rounds alternate: stream-json, stream-json packed-only, large, small.
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
  const ingest = (dataset: PreparedDataset) => (round: number) =>
    measureServiceIngest(context, { label: `metadata-${dataset.name}-run${round}`, dataset, thumbnails: 'none', workers: options.cores });
  const runs = await alternate(options.runs, {
    streamJson: parse('default'),
    streamJsonPacked: parse('packed-only'),
    large: ingest(large),
    small: ingest(small),
  });

  const parseMs = summarize(runs.streamJson.map((r) => r.elapsedMs)).median;
  const packedMs = summarize(runs.streamJsonPacked.map((r) => r.elapsedMs)).median;
  const largeWallMs = summarize(runs.large.map((r) => r.wallMs)).median;
  const largePeak = summarize(runs.large.map((r) => r.peakRssBytes / MB)).median;
  const smallPeak = summarize(runs.small.map((r) => r.peakRssBytes / MB)).median;
  return {
    title: `Metadata-only ingest (${large.images.toLocaleString('en-US')} and ${small.images.toLocaleString('en-US')} images)`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`), \`thumbnails: "none"\`; wall time measured by the client ` +
      "from sending `POST /datasets/ingest` to receiving `complete` on `GET /jobs/{id}/events`. Peak RSS is the server process's `VmHWM` " +
      "read just before SIGTERM. The baseline is stream-json's standard pipeline `chain([createReadStream, parser(), " +
      'pick({filter: /^(images|annotations|categories)\\.\\d+$/}), streamValues()])` assembling every record of the large file, in a ' +
      'child process, timed inside it from opening the file to the end of the stream; it is also run with `parser({streamValues: false})` ' +
      `(packed tokens only, all that \`streamValues()\` reads). Rounds alternate stream-json, stream-json packed-only, ${large.name}, ${small.name}.`,
    figures: [
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
      { label: 'service RSS when idle, before the POST', unit: 'MB', values: runs.large.map((r) => r.idleRssBytes / MB) },
      { label: `service ingest of ${small.name}, client wall`, unit: 's', values: runs.small.map((r) => r.wallMs / 1000) },
      { label: `service peak RSS (VmHWM), ${small.name}`, unit: 'MB', values: runs.small.map((r) => r.peakRssBytes / MB) },
    ],
    targets: [
      // The faster of the two pipelines: the target should not rest on a baseline that is easily quicker.
      checkTarget(
        TARGETS.metadataVsStreamJson,
        largeWallMs / Math.min(parseMs, packedMs),
        'median service client wall ÷ median stream-json parse time of the faster pipeline',
      ),
      checkTarget(TARGETS.metadataPeakRss, largePeak, `median VmHWM over the ${large.name} runs`),
      checkTarget(TARGETS.metadataRssGrowth, (largePeak / smallPeak - 1) * 100, `median VmHWM of ${large.name} ÷ median VmHWM of ${small.name}, minus 1`),
    ],
    tables: [
      {
        title: 'Service time against each stream-json pipeline',
        header: ['Baseline', 'Median parse time', 'Service client wall ÷ baseline'],
        rows: [
          [`parser()${parseMs <= packedMs ? ' (target 2)' : ''}`, formatWithUnit(parseMs / 1000, 's'), formatWithUnit(largeWallMs / parseMs, 'x')],
          [
            `parser({streamValues: false})${packedMs < parseMs ? ' (target 2)' : ''}`,
            formatWithUnit(packedMs / 1000, 's'),
            formatWithUnit(largeWallMs / packedMs, 'x'),
          ],
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

import path from 'node:path';
import { DEFAULT_WEBP_EFFORT } from '../../src/workers/messages.js';
import { THUMBNAIL_POOL_DEFAULTS } from '../../src/workers/thumbnailPoolDefaults.js';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { measureSharpCeiling } from '../baselines/measureSharpCeiling.js';
import { runVipsThumbnail } from '../baselines/runVipsThumbnail.js';
import { datasetTable } from '../datasetTable.js';
import { formatValue } from '../formatValue.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { roundRatios, summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';

/** Images at once per ceiling process: one, and the service's default tasks per worker; the ceiling is the better of the two in each round. */
const CEILING_IN_FLIGHT = [1, THUMBNAIL_POOL_DEFAULTS.tasksPerWorker] as const;

/**
 * Targets 1, 4 and Q1: a full ingest with thumbnails against vipsthumbnail matched
 * to the service's thumbnails, and against the ceiling, the same sharp call in
 * one long-lived process per core, all over the same images. Rounds alternate
 * vipsthumbnail, the ceiling's shapes and the service, and each round's ratio
 * is a run of the target. Also the thumbnails' sizes, image data alone (both
 * sides strip metadata), since speed can be bought with size. Q1, hashing's
 * cost, is the same ingest with `hashes: false` in the same rounds.
 */
export async function thumbnailThroughput(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  if (context.machine.vipsthumbnail === null) {
    throw new Error('vipsthumbnail is not installed (Debian: apt-get install libvips-tools); run with --only to skip this section');
  }
  const dataset = await context.dataset(options.thumbImages);
  const ceiling = (inFlight: number) => async (round: number) => {
    const outDir = path.join(context.outputsDir, 'sharp-ceiling');
    const result = await measureSharpCeiling(context.repoRoot, dataset.imageDir, outDir, dataset.images, { processes: options.cores, threads: 1, inFlight });
    log(`ceiling (${inFlight} at once) run ${round}: ${result.imagesPerSecond.toFixed(1)} images/s`);
    return result;
  };
  const runs = await alternate(options.runs, {
    vips: async (round: number) => {
      const result = await runVipsThumbnail({
        imageDir: dataset.imageDir,
        outDir: path.join(context.outputsDir, 'vipsthumbnail'),
        processes: options.cores,
        size: options.thumbnailSize,
        quality: options.thumbnailQuality,
        effort: DEFAULT_WEBP_EFFORT,
      });
      log(`vipsthumbnail run ${round}: ${((dataset.images / result.wallMs) * 1000).toFixed(1)} images/s`);
      return result;
    },
    ceiling1: ceiling(CEILING_IN_FLIGHT[0]),
    ceilingN: ceiling(CEILING_IN_FLIGHT[1]),
    service: (round: number) => measureServiceIngest(context, { label: `thumbnails-run${round}`, dataset, thumbnails: 'all', workers: options.cores }),
    // The same ingest keeping no hashes: what hashing costs the stage (target Q1), in the same rounds.
    unhashed: (round: number) =>
      measureServiceIngest(context, { label: `thumbnails-unhashed-run${round}`, dataset, thumbnails: 'all', workers: options.cores, hashes: false }),
  });

  const vipsRate = runs.vips.map((r) => (dataset.images / r.wallMs) * 1000);
  const serviceRate = runs.service.map((r) => (r.complete.thumbnails.generated / r.wallMs) * 1000);
  const unhashedRate = runs.unhashed.map((r) => (r.complete.thumbnails.generated / r.wallMs) * 1000);
  // Each round's cost: the share of the unhashed ingest's images/s that hashing takes away.
  const hashCost = serviceRate.map((rate, i) => (1 - rate / unhashedRate[i]!) * 100);
  const ceilingRate = runs.ceiling1.map((r, i) => Math.max(r.imagesPerSecond, runs.ceilingN[i]!.imagesPerSecond));
  const serviceBytes = runs.service.map((r) => r.complete.thumbnails.bytes / Math.max(1, r.complete.thumbnails.generated));
  const vipsBytes = runs.vips.map((r) => r.bytes / r.files);
  const ceilingBytes = runs.ceiling1.map((r) => r.bytesPerThumbnail);
  const vipsImageBytes = runs.vips.map((r) => r.imageBytes / r.files);
  const ceilingImageBytes = runs.ceiling1.map((r) => r.imageBytesPerThumbnail);
  const vsVips = roundRatios(serviceRate, vipsRate);
  const vsCeiling = roundRatios(serviceRate, ceilingRate);
  const bytesRow = (maker: string, values: number[], baseline: number[]) => [
    maker,
    formatValue(summarize(values).median, 'bytes'),
    values.map((v) => formatValue(v, 'bytes')).join(', '),
    `${roundRatios(values, baseline).median.toFixed(2)}x`,
  ];
  return {
    title: `Thumbnail ingest vs vipsthumbnail and the ceiling (${dataset.images.toLocaleString('en-US')} images)`,
    method:
      `Service: fresh process per run with \`WORKERS=${options.cores}\`, \`thumbnails: "all"\`, default \`THUMBNAIL_TASKS_PER_WORKER\` ` +
      `(${THUMBNAIL_POOL_DEFAULTS.tasksPerWorker}); images/s = thumbnails generated ÷ client wall time (POST to \`complete\`), so parsing, ` +
      'the database and the commit are included. vipsthumbnail, matched to the service: ' +
      `\`find <images> -name '*.jpg' -print0 | sort -z | xargs -0 -P ${options.cores} -n <images ÷ ${options.cores}> vipsthumbnail -s ${options.thumbnailSize} ` +
      `-o '<out>/%s.webp[Q=${options.thumbnailQuality},effort=${DEFAULT_WEBP_EFFORT},strip]'\` with \`VIPS_CONCURRENCY=1\`: one long-lived process ` +
      "per core, the service's size, quality and effort, metadata stripped as sharp does; timed from spawn to exit. The ceiling: the " +
      "service's own thumbnail function (src/workers/thumbnailWorker.ts, the same call, hashes included as a default ingest makes them) over the same images in " +
      `${options.cores} long-lived processes of one thread, timed from the signal to start (after each has loaded sharp) to the last ` +
      `one's end, with ${CEILING_IN_FLIGHT.join(' or ')} images at once in each; the better of the two in each round. Rounds alternate ` +
      "vipsthumbnail, the two ceiling shapes, the service and the service with `hashes: false` (Q1); each target is checked on every round's ratio. The images are hard links " +
      'to the photo pool, so all read the same files (warm in the page cache).',
    figures: [
      { label: 'vipsthumbnail images/s', unit: 'images/s', values: vipsRate },
      { label: `ceiling, ${CEILING_IN_FLIGHT[0]} image at once per process: images/s`, unit: 'images/s', values: runs.ceiling1.map((r) => r.imagesPerSecond) },
      { label: `ceiling, ${CEILING_IN_FLIGHT[1]} images at once per process: images/s`, unit: 'images/s', values: runs.ceilingN.map((r) => r.imagesPerSecond) },
      { label: 'ceiling (the better shape of each round): images/s', unit: 'images/s', values: ceilingRate },
      { label: 'vipsthumbnail CPU time per image (all processes, user + system)', unit: 'ms', values: runs.vips.map((r) => r.cpuMs / r.files) },
      {
        label: 'ceiling CPU time per image (the better shape of each round)',
        unit: 'ms',
        values: runs.ceiling1.map((r, i) => (r.imagesPerSecond >= runs.ceilingN[i]!.imagesPerSecond ? r : runs.ceilingN[i]!).cpuMsPerImage),
      },
      {
        label: 'service CPU time per image (the whole process, POST to complete)',
        unit: 'ms',
        values: runs.service.map((r) => (r.cpuSeconds * 1000) / Math.max(1, r.complete.thumbnails.generated)),
      },
      // CPU time ÷ wall time: how much of the cores each side kept busy; with the CPU per image, it tells idle time from work.
      { label: 'vipsthumbnail cores busy (CPU time ÷ wall)', unit: 'x', values: runs.vips.map((r) => r.cpuMs / r.wallMs) },
      {
        label: 'ceiling cores busy (CPU time ÷ wall, the better shape)',
        unit: 'x',
        values: ceilingRate.map((rate, i) => {
          const best = runs.ceiling1[i]!.imagesPerSecond >= runs.ceilingN[i]!.imagesPerSecond ? runs.ceiling1[i]! : runs.ceilingN[i]!;
          return (best.cpuMsPerImage * rate) / 1000;
        }),
      },
      { label: 'service cores busy (CPU time ÷ wall)', unit: 'x', values: runs.service.map((r) => (r.cpuSeconds * 1000) / r.wallMs) },
      { label: 'service ingest client wall', unit: 's', values: runs.service.map((r) => r.wallMs / 1000) },
      { label: 'service images/s (client wall)', unit: 'images/s', values: serviceRate },
      { label: 'service with `hashes: false`: images/s (client wall)', unit: 'images/s', values: unhashedRate },
      // vipsthumbnail makes no hashes: the ingest without them is the one doing its work, and this ratio says how far that is (target 1 is held to the default ingest).
      { label: 'service with `hashes: false` ÷ vipsthumbnail, per round (information)', unit: 'x', values: roundRatios(unhashedRate, vipsRate).values },
      {
        label: 'service with `hashes: false`: CPU time per image',
        unit: 'ms',
        values: runs.unhashed.map((r) => (r.cpuSeconds * 1000) / Math.max(1, r.complete.thumbnails.generated)),
      },
      { label: 'service thumbnails generated', unit: 'count', values: runs.service.map((r) => r.complete.thumbnails.generated) },
      {
        label: 'service image failures (complete event, all codes)',
        unit: 'count',
        values: runs.service.map((r) => Object.values(r.complete.failures).reduce((sum, n) => sum + n, 0)),
      },
      { label: 'service peak RSS (VmHWM)', unit: 'MB', values: runs.service.map((r) => r.peakRssBytes / 1e6) },
      { label: 'service event-loop delay during the ingest: max', unit: 'ms', values: runs.service.map((r) => r.eventLoopDelay.maxMs) },
      { label: 'service event-loop delay during the ingest: p99', unit: 'ms', values: runs.service.map((r) => r.eventLoopDelay.p99Ms) },
    ],
    targets: [
      checkTarget(TARGETS.thumbnailThroughput, vsVips.values, "each round's service images/s ÷ the same round's vipsthumbnail images/s"),
      checkTarget(TARGETS.machineCeiling, vsCeiling.values, "each round's service images/s ÷ the same round's ceiling"),
      checkTarget(TARGETS.hashCost, hashCost, "each round's 1 − service images/s ÷ the same round's images/s with `hashes: false`"),
    ],
    tables: [
      {
        title: 'Thumbnail size: whole files, and image data alone',
        header: ['Maker', 'Average bytes per thumbnail (median of runs)', 'Runs', 'vs vipsthumbnail (median of per-round ratios)'],
        rows: [
          bytesRow('service, files (complete event: thumbnails.bytes ÷ generated)', serviceBytes, vipsBytes),
          bytesRow('ceiling, the same sharp call: files', ceilingBytes, vipsBytes),
          bytesRow('vipsthumbnail: files', vipsBytes, vipsBytes),
          bytesRow("ceiling (= the service's encoder): image data alone", ceilingImageBytes, vipsImageBytes),
          bytesRow('vipsthumbnail: image data alone', vipsImageBytes, vipsImageBytes),
        ],
        note:
          'Image data alone is the payload of the WebP picture chunks (`VP8 `, `VP8L`, `ALPH`), without the container or any ' +
          "metadata chunk: vipsthumbnail 8.14 still writes metadata chunks (EXIF, ICC) into its files with `strip`. The service's files are not kept after " +
          "its run, so its image data is read from the ceiling's, made by the same call with the same settings.",
      },
      datasetTable([dataset]),
      timingTable(
        'Where the time goes: service ingest with thumbnails',
        runs.service.map((r) => r.complete),
      ),
    ],
  };
}

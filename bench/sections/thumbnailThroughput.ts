import path from 'node:path';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { runVipsThumbnail } from '../baselines/runVipsThumbnail.js';
import { datasetTable } from '../datasetTable.js';
import { formatValue } from '../formatValue.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';

/**
 * Target 1: a full ingest with thumbnails against vipsthumbnail making the same
 * thumbnails from the same files, one process per core. Also records the
 * thumbnails' average size on both sides, since speed can be bought with size
 * or quality. Rounds alternate vipsthumbnail, service.
 */
export async function thumbnailThroughput(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  if (context.machine.vipsthumbnail === null) {
    throw new Error('vipsthumbnail is not installed (Debian: apt-get install libvips-tools); run with --only to skip this section');
  }
  const dataset = await context.dataset(options.thumbImages);
  // Efforts below the default, measured beside it for the speed/size curve.
  const withEffort = (effort: number) => (round: number) =>
    measureServiceIngest(context, {
      label: `thumbnails-effort${effort}-run${round}`,
      dataset,
      thumbnails: 'all',
      workers: options.cores,
      env: { THUMBNAIL_EFFORT: String(effort) },
    });
  const runs = await alternate(options.runs, {
    vips: async (round: number) => {
      const result = await runVipsThumbnail({
        imageDir: dataset.imageDir,
        outDir: path.join(context.outputsDir, 'vipsthumbnail'),
        processes: options.cores,
        size: options.thumbnailSize,
        quality: options.thumbnailQuality,
        batch: options.vipsBatch,
      });
      log(`vipsthumbnail run ${round}: ${(result.wallMs / 1000).toFixed(2)} s`);
      return result;
    },
    service: (round: number) => measureServiceIngest(context, { label: `thumbnails-run${round}`, dataset, thumbnails: 'all', workers: options.cores }),
    effort0: withEffort(0),
    effort1: withEffort(1),
  });

  const vipsRate = runs.vips.map((r) => (dataset.images / r.wallMs) * 1000);
  const serviceRate = runs.service.map((r) => (dataset.images / r.wallMs) * 1000);
  const serviceBytes = runs.service.map((r) => r.complete.thumbnails.bytes / Math.max(1, r.complete.thumbnails.generated));
  const vipsBytes = runs.vips.map((r) => r.bytes / r.files);
  const effortRow = (label: string, measured: typeof runs.service) => {
    const rate = summarize(measured.map((r) => (dataset.images / r.wallMs) * 1000)).median;
    const bytes = summarize(measured.map((r) => r.complete.thumbnails.bytes / Math.max(1, r.complete.thumbnails.generated))).median;
    return [
      label,
      rate.toFixed(1),
      `${(rate / summarize(vipsRate).median).toFixed(2)}x`,
      formatValue(bytes, 'bytes'),
      `${(bytes / summarize(vipsBytes).median).toFixed(2)}x`,
    ];
  };
  return {
    title: `Thumbnail ingest vs vipsthumbnail (${dataset.images.toLocaleString('en-US')} images)`,
    method:
      `Service: fresh process per run with \`WORKERS=${options.cores}\`, \`thumbnails: "all"\`; images/s = images ÷ client wall time ` +
      '(POST to `complete`), so parsing, the database and the commit are included. Baseline: ' +
      `\`find <images> -name '*.jpg' -print0 | xargs -0 -P ${options.cores} -n ${options.vipsBatch} vipsthumbnail -s ${options.thumbnailSize} ` +
      `-o '<out>/%s.webp[Q=${options.thumbnailQuality}]'\`, timed from spawn to exit; same longer side and WebP quality as the ` +
      "service's ingest thumbnails. The images are hard links to the photo pool, so both read the same files (warm in the page cache).",
    figures: [
      { label: 'vipsthumbnail wall', unit: 's', values: runs.vips.map((r) => r.wallMs / 1000) },
      { label: 'vipsthumbnail images/s', unit: 'images/s', values: vipsRate },
      { label: 'service ingest client wall', unit: 's', values: runs.service.map((r) => r.wallMs / 1000) },
      { label: 'service images/s (client wall)', unit: 'images/s', values: serviceRate },
      { label: 'service images_per_second (complete event)', unit: 'images/s', values: runs.service.map((r) => r.complete.images_per_second) },
      { label: 'service thumbnails generated', unit: 'count', values: runs.service.map((r) => r.complete.thumbnails.generated) },
      { label: 'service thumbnails failed', unit: 'count', values: runs.service.map((r) => r.complete.thumbnails.failed) },
      {
        label: 'service image failures (complete event, all codes)',
        unit: 'count',
        values: runs.service.map((r) => Object.values(r.complete.failures).reduce((sum, n) => sum + n, 0)),
      },
      { label: 'service peak RSS (VmHWM)', unit: 'MB', values: runs.service.map((r) => r.peakRssBytes / 1e6) },
    ],
    targets: [
      checkTarget(
        TARGETS.thumbnailThroughput,
        summarize(serviceRate).median / summarize(vipsRate).median,
        'median service images/s ÷ median vipsthumbnail images/s',
      ),
    ],
    tables: [
      {
        title: 'Thumbnail size (the size/quality side of the trade-off)',
        header: ['Maker', 'Average bytes per thumbnail (median of runs)', 'Runs'],
        rows: [
          [
            'service (complete event: thumbnails.bytes ÷ generated)',
            formatValue(summarize(serviceBytes).median, 'bytes'),
            serviceBytes.map((v) => formatValue(v, 'bytes')).join(', '),
          ],
          [
            "vipsthumbnail (output files' total size ÷ count)",
            formatValue(summarize(vipsBytes).median, 'bytes'),
            vipsBytes.map((v) => formatValue(v, 'bytes')).join(', '),
          ],
        ],
      },
      {
        title: "WebP effort: speed against size (THUMBNAIL_EFFORT; the service's default is 2, libvips' 4)",
        header: ['Effort', 'Median images/s', 'vs vipsthumbnail', 'Average bytes per thumbnail', "vs vipsthumbnail's files"],
        rows: [effortRow('0', runs.effort0), effortRow('1', runs.effort1), effortRow('2 (default)', runs.service)],
        note: 'vipsthumbnail runs at its own default effort (4) with the same quality; its files are the size baseline.',
      },
      datasetTable([dataset]),
      timingTable(
        'Where the time goes: service ingest with thumbnails',
        runs.service.map((r) => r.complete),
      ),
    ],
  };
}

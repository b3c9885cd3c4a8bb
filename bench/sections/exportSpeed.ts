import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { log } from '../log.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { withService } from '../withService.js';

const MB = 1e6;

/**
 * Targets 10a and 10b: the 100K dataset exported as COCO JSON against its own
 * ingest, and the server's memory while it streams out. The client reads the
 * body to its end and counts its bytes; nothing is kept.
 */
export async function exportSpeed(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.metadataImages, false);
  const run = (round: number) =>
    withService(context, `export-${dataset.name}-run${round}`, options.cores, async (service) => {
      const ingest = await ingestOverHttp(service.url, {
        annotation_path: dataset.annotationPath,
        image_dir: dataset.imageDir,
        dataset_name: dataset.name,
        thumbnails: 'none',
      });
      service.rss.reset();
      const started = performance.now();
      const response = await fetch(`${service.url}/datasets/${ingest.complete.dataset_id}/export`);
      if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
      const exportMs = performance.now() - started;
      const exportRssBytes = service.rss.samples.maxBytes;
      const peakRssBytes = await service.peakRss();
      log(
        `export-run${round}: ingest ${(ingest.wallMs / 1000).toFixed(2)} s, export ${(exportMs / 1000).toFixed(2)} s (${(bytes / MB).toFixed(0)} MB), RSS while exporting ${(exportRssBytes / MB).toFixed(0)} MB`,
      );
      return { ingestMs: ingest.wallMs, exportMs, bytes, exportRssBytes, peakRssBytes };
    });
  const { runs } = await alternate(options.runs, { runs: run });
  const median = (values: number[]) => summarize(values).median;
  const ratio = median(runs.map((r) => r.exportMs)) / median(runs.map((r) => r.ingestMs));
  return {
    title: `Export: ${dataset.images.toLocaleString('en-US')} images as COCO JSON, against their ingest`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`): a metadata-only ingest of ${dataset.name} (POST to \`complete\`), ` +
      "then `GET /datasets/{id}/export` read to its last byte by the client. RSS while exporting is the largest of the server's resident " +
      'set sampled every 100 ms during the export; VmHWM is the peak over the whole run, the ingest included.',
    figures: [
      { label: 'ingest, client wall', unit: 's', values: runs.map((r) => r.ingestMs / 1000) },
      { label: 'export, client wall (to the last byte)', unit: 's', values: runs.map((r) => r.exportMs / 1000) },
      { label: 'export size', unit: 'MB', values: runs.map((r) => r.bytes / MB) },
      { label: 'export rate', unit: 'images/s', values: runs.map((r) => (dataset.images / r.exportMs) * 1000) },
      { label: 'server RSS while exporting (largest sample)', unit: 'MB', values: runs.map((r) => r.exportRssBytes / MB) },
      { label: 'server peak RSS over the run (VmHWM)', unit: 'MB', values: runs.map((r) => r.peakRssBytes / MB) },
    ],
    targets: [
      checkTarget(TARGETS.exportVsIngest, ratio, 'median export wall ÷ median ingest wall of the same runs'),
      checkTarget(TARGETS.exportRss, median(runs.map((r) => r.exportRssBytes / MB)), 'median of the largest RSS sample during the export'),
    ],
    tables: [],
  };
}

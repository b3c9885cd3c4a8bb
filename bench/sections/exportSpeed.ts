import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { ingestOverHttp } from '../ingestOverHttp.js';
import { log } from '../log.js';
import type { SectionResult } from '../reportModel.js';
import { sameRecords } from '../sameRecords.js';
import { roundRatios } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { withService } from '../withService.js';

const MB = 1e6;

/** One export as the client read it. */
interface ExportRead {
  ms: number;
  bytes: number;
  /** The body, kept only when asked for (to check its content). */
  body: Buffer | null;
}

/**
 * Targets 10a-10c: the 100K dataset exported as COCO JSON against its own
 * ingest, warm (right after the ingest) and cold (the first request after a
 * restart), and the server's memory while it streams out. The warm export's
 * content is checked: its images, annotations and categories must be the
 * ingested file's, record for record and field for field ({@link sameRecords}),
 * and the cold one must be as long.
 */
export async function exportSpeed(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.metadataImages, false);
  const run = (round: number) =>
    withService(context, `export-${dataset.name}-run${round}`, options.cores, async (first, service) => {
      const ingest = await ingestOverHttp(first.url, {
        annotation_path: dataset.annotationPath,
        image_dir: dataset.imageDir,
        dataset_name: dataset.name,
        thumbnails: 'none',
      });
      const route = `/datasets/${ingest.complete.dataset_id}/export`;
      first.rss.reset();
      const warm = await readExport(`${first.url}${route}`, true);
      const exportRssBytes = first.rss.samples.maxBytes;
      const peakRssBytes = await first.peakRss();
      sameRecords(warm.body!, dataset.annotationPath);
      const restarted = await service.restart();
      const cold = await readExport(`${restarted.url}${route}`, false);
      if (cold.bytes !== warm.bytes) throw new Error(`the export after a restart has ${cold.bytes} bytes, the one before ${warm.bytes}`);
      log(
        `export-run${round}: ingest ${(ingest.wallMs / 1000).toFixed(2)} s, export ${(warm.ms / 1000).toFixed(2)} s warm, ` +
          `${(cold.ms / 1000).toFixed(2)} s cold (${(warm.bytes / MB).toFixed(0)} MB), RSS while exporting ${(exportRssBytes / MB).toFixed(0)} MB`,
      );
      return { ingestMs: ingest.wallMs, exportMs: warm.ms, coldMs: cold.ms, bytes: warm.bytes, exportRssBytes, peakRssBytes };
    });
  const { runs } = await alternate(options.runs, { runs: run });
  const ingestMs = runs.map((r) => r.ingestMs);
  return {
    title: `Export: ${dataset.images.toLocaleString('en-US')} images as COCO JSON, against their ingest`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, empty \`DATA_DIR\`): a metadata-only ingest of ${dataset.name} (POST to \`complete\`), ` +
      'then `GET /datasets/{id}/export` read to its last byte by the client (warm), then the service restarted (SIGTERM, a new process ' +
      'on the same `DATA_DIR`) and the same export as its first request (cold). The warm export is parsed and its images, annotations ' +
      "and categories compared with the ingested file's, record by record in order and field by field (keys in any order); " +
      'the cold one must have as many bytes. RSS while exporting is the largest of the ' +
      "server's resident set sampled every 100 ms during the warm export; VmHWM is the peak over the process's life, the ingest included.",
    figures: [
      { label: 'ingest, client wall', unit: 's', values: ingestMs.map((ms) => ms / 1000) },
      { label: 'export, client wall (to the last byte), warm', unit: 's', values: runs.map((r) => r.exportMs / 1000) },
      { label: 'export, client wall, first request after a restart (cold)', unit: 's', values: runs.map((r) => r.coldMs / 1000) },
      { label: 'export size', unit: 'MB', values: runs.map((r) => r.bytes / MB) },
      { label: 'export rate, warm', unit: 'images/s', values: runs.map((r) => (dataset.images / r.exportMs) * 1000) },
      { label: 'server RSS while exporting (largest sample)', unit: 'MB', values: runs.map((r) => r.exportRssBytes / MB) },
      { label: 'server peak RSS over ingest and export (VmHWM)', unit: 'MB', values: runs.map((r) => r.peakRssBytes / MB) },
    ],
    targets: [
      checkTarget(
        TARGETS.exportVsIngest,
        roundRatios(
          runs.map((r) => r.exportMs),
          ingestMs,
        ).values,
        "each run's warm export wall ÷ its ingest wall",
      ),
      checkTarget(
        TARGETS.exportRss,
        runs.map((r) => r.exportRssBytes / MB),
        "each run's largest RSS sample during the export",
      ),
      checkTarget(
        TARGETS.exportColdVsIngest,
        roundRatios(
          runs.map((r) => r.coldMs),
          ingestMs,
        ).values,
        "each run's cold export wall ÷ its ingest wall",
      ),
    ],
    tables: [],
  };
}

async function readExport(url: string, keep: boolean): Promise<ExportRead> {
  const started = performance.now();
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (keep) chunks.push(chunk);
  }
  return { ms: performance.now() - started, bytes, body: keep ? Buffer.concat(chunks) : null };
}

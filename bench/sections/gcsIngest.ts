import { LoopbackProxy } from '../../test/helpers/LoopbackProxy.js';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { datasetTable } from '../datasetTable.js';
import { EmulatorProcess } from '../EmulatorProcess.js';
import { log } from '../log.js';
import { measureServiceIngest, type ServiceIngestMeasurement } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';
import { uploadDataset } from '../uploadDataset.js';

/** Latency the proxy adds to every request to the emulator, in ms. */
const ADDED_LATENCY_MS = 20;
const BUCKET = 'coco-ingest-bench';

/**
 * Target 7: the thumbnail ingest of the same dataset from local disk and from
 * Cloud Storage: Google's emulator in its own process, behind a loopback proxy
 * that holds every request back 20 ms. Rounds alternate local, bucket.
 */
export async function gcsIngest(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const emulator = await EmulatorProcess.start(context.repoRoot);
  let proxy: LoopbackProxy | null = null;
  try {
    const uploadStart = performance.now();
    const uploaded = await uploadDataset(emulator.endpoint, emulator.projectId, BUCKET, dataset);
    log(`uploaded ${dataset.images} images to the emulator in ${((performance.now() - uploadStart) / 1000).toFixed(1)} s`);
    proxy = await LoopbackProxy.start(emulator.endpoint, { delayMs: ADDED_LATENCY_MS });
    const proxyEndpoint = proxy.endpoint;
    const emulatorCpu: number[] = [];
    const runs = await alternate(options.runs, {
      local: (round: number) =>
        measureServiceIngest(context, { label: `gcs-local-run${round}`, dataset, thumbnails: 'all', workers: options.cores }),
      bucket: async (round: number): Promise<ServiceIngestMeasurement> => {
        const before = await emulator.cpuSeconds();
        const result = await measureServiceIngest(context, {
          label: `gcs-bucket-run${round}`,
          dataset,
          thumbnails: 'all',
          workers: options.cores,
          source: { annotationPath: uploaded.annotationPath, imageDir: uploaded.imageDir, ingestRoot: uploaded.root },
          env: { GCS_ENDPOINT: proxyEndpoint, GCS_PROJECT_ID: emulator.projectId },
        });
        emulatorCpu.push((await emulator.cpuSeconds()) - before);
        return result;
      },
    });
    const rate = (r: ServiceIngestMeasurement) => (dataset.images / r.wallMs) * 1000;
    const localRate = runs.local.map(rate);
    const bucketRate = runs.bucket.map(rate);
    return {
      title: `Thumbnail ingest from Cloud Storage vs local disk (${dataset.images.toLocaleString('en-US')} images)`,
      method:
        `The same generated dataset, once as local files and once uploaded to Google's Cloud Storage emulator (firebase-tools, ` +
        `run in a process of its own). The service reads the bucket through the official client, via a loopback TCP proxy that ` +
        `holds every request back ${ADDED_LATENCY_MS} ms. Fresh service per run, \`WORKERS=${options.cores}\`, \`thumbnails: "all"\`, ` +
        `default \`IMAGE_READ_CONCURRENCY\`; images/s = images ÷ client wall time (POST to \`complete\`). The emulator and the proxy ` +
        `run on this same 2-core machine, so the CPU they use (emulator CPU below) is taken from the service's workers; ` +
        `against a real bucket it would not be. Service CPU time is the process's user + system time during the ingest ` +
        `(/proc/<pid>/stat): the difference between the two sources is the cost of fetching through the client on the main thread.`,
      figures: [
        { label: 'local disk: images/s (client wall)', unit: 'images/s', values: localRate },
        { label: 'bucket: images/s (client wall)', unit: 'images/s', values: bucketRate },
        { label: 'bucket: thumbnails generated', unit: 'count', values: runs.bucket.map((r) => r.complete.thumbnails.generated) },
        {
          label: 'bucket: image failures (all codes)',
          unit: 'count',
          values: runs.bucket.map((r) => Object.values(r.complete.failures).reduce((sum, n) => sum + n, 0)),
        },
        { label: 'local disk: service CPU time (all threads)', unit: 's', values: runs.local.map((r) => r.cpuSeconds) },
        { label: 'bucket: service CPU time (all threads)', unit: 's', values: runs.bucket.map((r) => r.cpuSeconds) },
        { label: 'bucket: emulator CPU time', unit: 's', values: emulatorCpu },
        { label: 'bucket: service peak RSS (VmHWM)', unit: 'MB', values: runs.bucket.map((r) => r.peakRssBytes / 1e6) },
        { label: 'local disk: service peak RSS (VmHWM)', unit: 'MB', values: runs.local.map((r) => r.peakRssBytes / 1e6) },
      ],
      targets: [
        checkTarget(TARGETS.gcsIngest, summarize(bucketRate).median / summarize(localRate).median, 'median bucket images/s ÷ median local images/s'),
      ],
      tables: [
        datasetTable([dataset]),
        timingTable('Where the time goes: ingest from the bucket', runs.bucket.map((r) => r.complete)),
      ],
    };
  } finally {
    await proxy?.stop();
    await emulator.stop();
  }
}

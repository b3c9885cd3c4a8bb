import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { datasetTable } from '../datasetTable.js';
import { EmulatorProcess } from '../EmulatorProcess.js';
import { log } from '../log.js';
import { measureServiceIngest, type ServiceIngestMeasurement } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { roundRatios } from '../stats.js';
import { checkTarget, TARGETS } from '../targets.js';
import { timingTable } from '../timingTable.js';
import { uploadDataset } from '../uploadDataset.js';

/** Latency the proxy adds to every request, in ms. */
const ADDED_LATENCY_MS = 20;
const BUCKET = 'coco-ingest-bench';

/**
 * Target 7: the thumbnail ingest of the same dataset from local disk and from
 * Cloud Storage: Google's emulator behind a loopback proxy that holds every
 * request back 20 ms, both in a process of their own standing in for the
 * bucket and the network. Rounds alternate local, bucket.
 */
export async function gcsIngest(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const emulator = await EmulatorProcess.start(context.repoRoot, { proxyDelayMs: ADDED_LATENCY_MS });
  try {
    const uploadStart = performance.now();
    const uploaded = await uploadDataset(emulator.endpoint, emulator.projectId, BUCKET, dataset);
    log(`uploaded ${dataset.images} images to the emulator in ${((performance.now() - uploadStart) / 1000).toFixed(1)} s`);
    const emulatorCpu: number[] = [];
    const runs = await alternate(options.runs, {
      local: (round: number) => measureServiceIngest(context, { label: `gcs-local-run${round}`, dataset, thumbnails: 'all', workers: options.cores }),
      bucket: async (round: number): Promise<ServiceIngestMeasurement> => {
        const before = await emulator.cpuSeconds();
        const result = await measureServiceIngest(context, {
          label: `gcs-bucket-run${round}`,
          dataset,
          thumbnails: 'all',
          workers: options.cores,
          source: { annotationPath: uploaded.annotationPath, imageDir: uploaded.imageDir, ingestRoot: uploaded.root },
          env: { GCS_ENDPOINT: emulator.proxyEndpoint, GCS_PROJECT_ID: emulator.projectId },
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
        `The same generated dataset, once as local files and once uploaded to Google's Cloud Storage emulator (firebase-tools). ` +
        `The service reads the bucket (the official client for metadata, undici for the bytes), via a loopback TCP proxy that holds every request back ` +
        `${ADDED_LATENCY_MS} ms; emulator and proxy run together in a process of their own. Fresh service per run, ` +
        `\`WORKERS=${options.cores}\`, \`thumbnails: "all"\`, default \`IMAGE_READ_CONCURRENCY\`; images/s = images ÷ client wall ` +
        `time (POST to \`complete\`). On this 2-core machine the emulator and the proxy take CPU from the service's workers, ` +
        `which a remote bucket would not (their CPU time is below; a probe running them at nice 19 changed nothing measurable). ` +
        `Service CPU time is the process's user + system time during the ingest (/proc/<pid>/stat): its difference between ` +
        `disk and bucket is what fetching through the client costs the service.`,
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
        { label: 'bucket: emulator + proxy CPU time', unit: 's', values: emulatorCpu },
        { label: 'bucket: service peak RSS (VmHWM)', unit: 'MB', values: runs.bucket.map((r) => r.peakRssBytes / 1e6) },
        { label: 'local disk: service peak RSS (VmHWM)', unit: 'MB', values: runs.local.map((r) => r.peakRssBytes / 1e6) },
      ],
      targets: [checkTarget(TARGETS.gcsIngest, roundRatios(bucketRate, localRate).values, "each round's bucket images/s ÷ the same round's local images/s")],
      tables: [
        datasetTable([dataset]),
        timingTable(
          'Where the time goes: ingest from the bucket',
          runs.bucket.map((r) => r.complete),
        ),
      ],
    };
  } finally {
    await emulator.stop();
  }
}

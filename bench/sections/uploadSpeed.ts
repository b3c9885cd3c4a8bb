import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { alternate } from '../alternate.js';
import type { BenchContext } from '../BenchContext.js';
import { followJobEvents } from '../followJobEvents.js';
import { log } from '../log.js';
import { measureServiceIngest } from '../measureServiceIngest.js';
import type { SectionResult } from '../reportModel.js';
import { summarize } from '../stats.js';
import { withService } from '../withService.js';
import { zipDataset } from '../zipDataset.js';

const MB = 1e6;

/**
 * An upload against the same ingest from a folder: the thumbnail section's
 * dataset zipped, sent over loopback as an `application/zip` body, unpacked and
 * ingested with thumbnails, timed by the client from the first byte sent to
 * `complete`; and the folder's ingest of the same files. No target: it says
 * what receiving and unpacking add to an ingest.
 */
export async function uploadSpeed(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const archive = await zipDataset(dataset, path.join(context.inputsDir, `${dataset.name}.zip`));
  log(`zipped ${dataset.name}: ${(archive.bytes / MB).toFixed(1)} MB`);
  const runs = await alternate(options.runs, {
    folder: (round: number) => measureServiceIngest(context, { label: `upload-folder-run${round}`, dataset, thumbnails: 'all', workers: options.cores }),
    upload: (round: number) =>
      withService(context, `upload-zip-run${round}`, options.cores, async (service) => {
        const started = performance.now();
        const response = await fetch(`${service.url}/datasets/upload?file_name=${dataset.name}.zip`, {
          method: 'POST',
          headers: { 'content-type': 'application/zip', 'content-length': String(archive.bytes) },
          body: Readable.toWeb(createReadStream(archive.file)) as ReadableStream,
          duplex: 'half',
        } as RequestInit);
        const body = (await response.json()) as { events_url?: string };
        if (response.status !== 202 || body.events_url === undefined) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
        const receivedAt = performance.now();
        let unpackedAt = receivedAt;
        const job = await followJobEvents(`${service.url}${body.events_url}`, (name, data, at) => {
          if (name === 'progress' && data.stage === 'unpack' && data.done === true) unpackedAt = at;
        });
        if (job.event !== 'complete') throw new Error(`the upload ended ${job.event}: ${JSON.stringify(job.data)}`);
        const result = { wallMs: job.terminalAt - started, receiveMs: receivedAt - started, unpackMs: unpackedAt - receivedAt, images: Number(job.data.image_count) };
        log(`upload-run${round}: ${(result.wallMs / 1000).toFixed(2)} s wall (received in ${(result.receiveMs / 1000).toFixed(2)} s, unpacked in ${(result.unpackMs / 1000).toFixed(2)} s)`);
        return result;
      }),
  });
  const median = (values: number[]) => summarize(values).median;
  const ratio = median(runs.upload.map((r) => r.wallMs)) / median(runs.folder.map((r) => r.wallMs));
  for (const r of runs.upload) if (r.images !== dataset.images) throw new Error(`the upload ingested ${r.images} images of ${dataset.images}`);
  return {
    title: `Upload: ${dataset.images.toLocaleString('en-US')} images as a zip, against their ingest from a folder`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, \`thumbnails: "all"\`). Upload: the thumbnail section's dataset zipped in the COCO layout ` +
      `(${(archive.bytes / MB).toFixed(1)} MB, JPEGs stored, JSON deflated), streamed from disk over loopback as an \`application/zip\` body; ` +
      'the client times the first byte sent to the 202 (received), the 202 to the `unpack` stage\'s last event (unpacked), and the first byte ' +
      'to `complete` (wall). Folder: the same files ingested with `POST /datasets/ingest`, POST to `complete`. ' +
      `Upload wall ÷ folder wall, medians: ${ratio.toFixed(2)}x.`,
    figures: [
      { label: 'folder ingest, client wall', unit: 's', values: runs.folder.map((r) => r.wallMs / 1000) },
      { label: 'upload, client wall (first byte to complete)', unit: 's', values: runs.upload.map((r) => r.wallMs / 1000) },
      { label: 'upload received (first byte to 202)', unit: 's', values: runs.upload.map((r) => r.receiveMs / 1000) },
      { label: 'upload unpacked (202 to the unpack stage done)', unit: 's', values: runs.upload.map((r) => r.unpackMs / 1000) },
      { label: 'upload wall ÷ folder wall', unit: 'x', values: runs.upload.map((r, i) => r.wallMs / runs.folder[i]!.wallMs) },
    ],
    targets: [],
    tables: [],
  };
}

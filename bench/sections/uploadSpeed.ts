import { createReadStream, openAsBlob } from 'node:fs';
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

/** One upload as the client saw it, ms from its first byte sent. */
interface UploadRun {
  wallMs: number;
  receiveMs: number;
  unpackMs: number;
}

/** How the archive is sent: as the body itself, or as a form's file field (what browsers and `curl -F` send). */
type Body = 'zip' | 'form';

/**
 * An upload against the same ingest from a folder: the thumbnail section's
 * dataset zipped, sent over loopback as an `application/zip` body and as a
 * `multipart/form-data` form, unpacked and ingested with thumbnails, timed by
 * the client from the first byte sent to `complete`; and the folder's ingest of
 * the same files. No target: it says what receiving and unpacking add.
 */
export async function uploadSpeed(context: BenchContext): Promise<SectionResult> {
  const { options } = context;
  const dataset = await context.dataset(options.thumbImages);
  const archive = await zipDataset(dataset, path.join(context.inputsDir, `${dataset.name}.zip`));
  log(`zipped ${dataset.name}: ${(archive.bytes / MB).toFixed(1)} MB`);
  const upload = (body: Body) => (round: number) =>
    withService(context, `upload-${body}-run${round}`, options.cores, async (service): Promise<UploadRun> => {
      const started = performance.now();
      const response = await fetch(`${service.url}/datasets/upload?file_name=${dataset.name}.zip`, await requestFor(body, archive));
      const answer = (await response.json()) as { events_url?: string };
      if (response.status !== 202 || answer.events_url === undefined) throw new Error(`upload answered ${response.status}: ${JSON.stringify(answer)}`);
      const receivedAt = performance.now();
      let unpackedAt = receivedAt;
      const job = await followJobEvents(`${service.url}${answer.events_url}`, (name, data, at) => {
        if (name === 'progress' && data.stage === 'unpack' && data.done === true) unpackedAt = at;
      });
      if (job.event !== 'complete') throw new Error(`the upload ended ${job.event}: ${JSON.stringify(job.data)}`);
      if (Number(job.data.image_count) !== dataset.images) throw new Error(`the upload ingested ${String(job.data.image_count)} images of ${dataset.images}`);
      const result = { wallMs: job.terminalAt - started, receiveMs: receivedAt - started, unpackMs: unpackedAt - receivedAt };
      log(
        `upload-${body}-run${round}: ${(result.wallMs / 1000).toFixed(2)} s wall (received in ${(result.receiveMs / 1000).toFixed(2)} s, unpacked in ${(result.unpackMs / 1000).toFixed(2)} s)`,
      );
      return result;
    });
  const runs = await alternate(options.runs, {
    folder: (round: number) => measureServiceIngest(context, { label: `upload-folder-run${round}`, dataset, thumbnails: 'all', workers: options.cores }),
    zip: upload('zip'),
    form: upload('form'),
  });
  const median = (values: number[]) => summarize(values).median;
  const folderWall = median(runs.folder.map((r) => r.wallMs));
  const figures = (body: Body, label: string) => [
    { label: `${label}: client wall (first byte to complete)`, unit: 's' as const, values: runs[body].map((r) => r.wallMs / 1000) },
    { label: `${label}: received (first byte to 202)`, unit: 's' as const, values: runs[body].map((r) => r.receiveMs / 1000) },
    { label: `${label}: unpacked (202 to the unpack stage done)`, unit: 's' as const, values: runs[body].map((r) => r.unpackMs / 1000) },
  ];
  const ratio = (body: Body) => (median(runs[body].map((r) => r.wallMs)) / folderWall).toFixed(2);
  return {
    title: `Upload: ${dataset.images.toLocaleString('en-US')} images as a zip, against their ingest from a folder`,
    method:
      `Fresh service per run (\`WORKERS=${options.cores}\`, \`thumbnails: "all"\`). Upload: the thumbnail section's dataset zipped in the COCO layout ` +
      `(${(archive.bytes / MB).toFixed(1)} MB, JPEGs stored, JSON deflated), streamed from disk over loopback, as an \`application/zip\` body ` +
      "and as a `multipart/form-data` form's `file` field (parsed by busboy as it arrives); the client times the first byte sent to the 202 " +
      "(received), the 202 to the `unpack` stage's last event (unpacked), and the first byte to `complete` (wall). Folder: the same files " +
      `ingested with \`POST /datasets/ingest\`, POST to \`complete\`. Upload wall ÷ folder wall, medians: ${ratio('zip')}x as a zip body, ` +
      `${ratio('form')}x as a form.`,
    figures: [
      { label: 'folder ingest, client wall', unit: 's', values: runs.folder.map((r) => r.wallMs / 1000) },
      ...figures('zip', 'zip body'),
      ...figures('form', 'form'),
    ],
    targets: [],
    tables: [],
  };
}

/** The request that sends `archive` as `body`, streamed from disk, never read whole. */
async function requestFor(body: Body, archive: { file: string; bytes: number }): Promise<RequestInit> {
  if (body === 'form') {
    const form = new FormData();
    form.append('file', await openAsBlob(archive.file, { type: 'application/zip' }), path.basename(archive.file));
    return { method: 'POST', body: form };
  }
  return {
    method: 'POST',
    headers: { 'content-type': 'application/zip', 'content-length': String(archive.bytes) },
    body: Readable.toWeb(createReadStream(archive.file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit;
}

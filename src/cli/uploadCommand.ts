import path from 'node:path';
import { WindowRate } from '../jobs/WindowRate.js';
import { type CommandIo, EXIT, followJobCommand, progressFor } from './followJobCommand.js';
import { openLocalFile } from './openLocalFile.js';
import type { ServiceClient } from './ServiceClient.js';

/** Options of `coco-ingest upload`. */
export interface UploadCommandOptions {
  archive: string;
  name?: string | undefined;
  thumbnails?: string | undefined;
  onInvalid?: string | undefined;
}

/**
 * Uploads a zip of a dataset from this machine to a running service (its
 * bytes as a progress bar of their own), then follows the job the service made
 * of it: unpacking, then each split. Ctrl-C while sending stops the upload
 * (the service fails its job); after, it cancels the job.
 */
export async function uploadCommand(client: ServiceClient, options: UploadCommandOptions, io: CommandIo): Promise<number> {
  const query = new URLSearchParams({ file_name: path.basename(options.archive) });
  if (options.name !== undefined) query.set('dataset_name', options.name);
  if (options.thumbnails !== undefined) query.set('thumbnails', options.thumbnails);
  if (options.onInvalid !== undefined) query.set('on_invalid', options.onInvalid);
  // The file first: what is wrong on this machine is said before the service is asked anything.
  const archive = await openLocalFile(options.archive, '.zip file');
  try {
    // The service would refuse it at once, perhaps while the body is still going out: say so before sending.
    const { max_upload_bytes: maxBytes } = (await client.get('/healthz')) as { max_upload_bytes?: number };
    if (maxBytes !== undefined && archive.size > maxBytes) {
      io.stderr.write(`coco-ingest: ${options.archive} is ${archive.size} bytes; the service takes at most ${maxBytes} (MAX_UPLOAD_BYTES)\n`);
      return EXIT.failed;
    }
    const progress = progressFor(io);
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    let job: { job_id: string; events_url: string };
    try {
      const file = { handle: archive.handle, size: archive.size, name: options.archive };
      // The bytes sent, until the service answers; its own events take over from there.
      const rate = new WindowRate();
      const onSent = (sent: number, total: number) => {
        rate.sample(sent, performance.now());
        progress.update('upload', { current: sent, total, done: false, rate: rate.perSecond });
      };
      job = await client.upload(`/datasets/upload?${query}`, file, onSent, stop.signal);
    } catch (err) {
      progress.stop();
      if (stop.signal.aborted) {
        io.stderr.write('coco-ingest: interrupted: the upload was stopped before it ended\n');
        return EXIT.interrupted;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
    }
    return await followJobCommand(client, job, io, progress);
  } finally {
    await archive.handle.close().catch(() => undefined);
  }
}

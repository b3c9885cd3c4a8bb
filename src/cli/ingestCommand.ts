import path from 'node:path';
import { lineProgress, terminalProgress, type IngestProgress } from './IngestProgress.js';
import type { ServiceClient } from './ServiceClient.js';

/** Options of `coco-ingest ingest`. */
export interface IngestCommandOptions {
  annotationPath: string;
  imageDir?: string | undefined;
  name?: string | undefined;
  split?: string | undefined;
  datasetId?: number | undefined;
  thumbnails?: string | undefined;
  maskDir?: string | undefined;
  onInvalid?: string | undefined;
}

/** Exit codes: 0 complete, 1 failed, 130 interrupted (Ctrl-C, which cancels the job). */
export const EXIT = { complete: 0, failed: 1, interrupted: 130 } as const;

/**
 * Starts an ingest on a running service, shows its progress (bars on a
 * terminal, a line a second otherwise), then its summary. Ctrl-C cancels the
 * job it started. Paths are resolved against the working directory, as a
 * terminal user means them.
 */
export async function ingestCommand(client: ServiceClient, options: IngestCommandOptions, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const absolute = (p: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : path.resolve(p));
  const body: Record<string, unknown> = { annotation_path: absolute(options.annotationPath) };
  if (options.imageDir !== undefined) body.image_dir = absolute(options.imageDir);
  if (options.maskDir !== undefined) body.mask_dir = absolute(options.maskDir);
  if (options.name !== undefined) body.dataset_name = options.name;
  if (options.split !== undefined) body.split = options.split;
  if (options.datasetId !== undefined) body.dataset_id = options.datasetId;
  if (options.thumbnails !== undefined) body.thumbnails = /^\d+$/.test(options.thumbnails) ? Number(options.thumbnails) : options.thumbnails;
  if (options.onInvalid !== undefined) body.on_invalid = options.onInvalid;
  const job = await client.post('/datasets/ingest', body);
  const progress: IngestProgress = io.stdout.isTTY ? terminalProgress(io.stdout) : lineProgress((line) => io.stdout.write(line));
  const stop = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    void client.delete(`/jobs/${job.job_id}`).catch(() => undefined).finally(() => stop.abort());
  };
  process.once('SIGINT', onSigint);
  try {
    const terminal = await client.follow(
      job.events_url,
      ({ event, data }) => {
        if (event === 'progress' && typeof data.stage === 'string' && typeof data.current === 'number' && data.stage !== 'queued') {
          progress.update(data.stage, data.current, typeof data.total === 'number' ? data.total : null);
        }
      },
      stop.signal,
    );
    progress.stop();
    if (terminal.event === 'complete') {
      io.stdout.write(`${summary(terminal.data)}\n`);
      return EXIT.complete;
    }
    io.stderr.write(`coco-ingest: ${terminal.event}: ${String(terminal.data.message)}\n`);
    return terminal.event === 'cancelled' && interrupted ? EXIT.interrupted : EXIT.failed;
  } catch (err) {
    progress.stop();
    if (interrupted) {
      io.stderr.write(`coco-ingest: interrupted: job ${job.job_id} cancelled\n`);
      return EXIT.interrupted;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function summary(data: Record<string, unknown>): string {
  const thumbnails = (data.thumbnails ?? {}) as { generated?: number; failed?: number };
  const failures = Object.entries((data.failures ?? {}) as Record<string, number>).map(([code, n]) => `${code} ${n}`);
  return [
    `dataset ${String(data.dataset_id)}, split ${String(data.split)}: ${String(data.message ?? '')}`,
    `images ${String(data.image_count)}, annotations ${String(data.annotation_count)}, categories ${String(data.category_count)}`,
    `thumbnails ${thumbnails.generated ?? 0} made, ${thumbnails.failed ?? 0} failed${failures.length > 0 ? ` (${failures.join(', ')})` : ''}`,
    `time ${((Number(data.duration_ms) || 0) / 1000).toFixed(1)} s`,
  ].join('\n');
}

import { type IngestProgress, type JobFigures, lineProgress, type StageUpdate, terminalProgress } from './IngestProgress.js';
import type { ServiceClient } from './ServiceClient.js';

/** Exit codes: 0 complete, 1 failed, 130 interrupted (Ctrl-C, which cancels the job). */
export const EXIT = { complete: 0, failed: 1, interrupted: 130 } as const;

/** Where a command writes. */
export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** How progress is shown on this output: bars on a terminal, a line a second otherwise. */
export function progressFor(io: CommandIo): IngestProgress {
  return io.stdout.isTTY ? terminalProgress(io.stdout) : lineProgress((line) => io.stdout.write(line));
}

/**
 * Follows a job a command started to its end: each stage's progress (an
 * upload's splits' stages as `<split> <stage>`), then the summary on stdout,
 * or the failure on stderr. Ctrl-C cancels the job a command started; it only
 * stops watching one it did not (`cancelOnInterrupt: false`). `quiet`: no
 * summary, for a command that prints its own (default false).
 * @returns the exit code.
 */
export async function followJobCommand(
  client: ServiceClient,
  job: { job_id: string; events_url: string },
  io: CommandIo,
  progress: IngestProgress = progressFor(io),
  options: { cancelOnInterrupt?: boolean; quiet?: boolean } = {},
): Promise<number> {
  const cancelOnInterrupt = options.cancelOnInterrupt ?? true;
  const stop = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    if (!cancelOnInterrupt) stop.abort();
    else
      void client
        .delete(`/jobs/${job.job_id}`)
        .catch(() => undefined)
        .finally(() => stop.abort());
  };
  process.once('SIGINT', onSigint);
  try {
    const terminal = await client.follow(
      job.events_url,
      ({ event, data }) => {
        if (event === 'progress' && typeof data.stage === 'string' && typeof data.current === 'number' && data.stage !== 'queued') {
          const stage = typeof data.split === 'string' ? `${data.split} ${data.stage}` : data.stage;
          progress.update(stage, stageUpdate(data, data.current), jobFigures(data));
        }
      },
      stop.signal,
    );
    progress.stop(terminal.event === 'complete');
    if (terminal.event === 'complete') {
      if (options.quiet !== true) io.stdout.write(`${summary(terminal.data)}\n`);
      return EXIT.complete;
    }
    io.stderr.write(`coco-ingest: ${terminal.event}: ${String(terminal.data.message)}\n`);
    return terminal.event === 'cancelled' && interrupted ? EXIT.interrupted : EXIT.failed;
  } catch (err) {
    progress.stop();
    if (interrupted) {
      io.stderr.write(`coco-ingest: interrupted: job ${job.job_id} ${cancelOnInterrupt ? 'cancelled' : 'goes on; no longer watched'}\n`);
      return EXIT.interrupted;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A progress event's stage figures. */
function stageUpdate(data: Record<string, unknown>, current: number): StageUpdate {
  return {
    current,
    total: typeof data.total === 'number' ? data.total : null,
    done: data.done === true,
    rate: typeof data.rate === 'number' ? data.rate : null,
  };
}

/** A progress event's figures of the whole job; none from a service that does not send them. */
function jobFigures(data: Record<string, unknown>): JobFigures | undefined {
  if (typeof data.fraction !== 'number') return undefined;
  return { fraction: data.fraction, eta_seconds: typeof data.eta_seconds === 'number' ? data.eta_seconds : null };
}

/** The `complete` event as lines: an ingest's figures, or an upload's and each of its splits'. */
function summary(data: Record<string, unknown>): string {
  if (Array.isArray(data.splits)) {
    const splits = data.splits as Record<string, unknown>[];
    return [
      `dataset ${String(data.dataset_id)}: ${String(data.message ?? '')}`,
      ...splits.flatMap((s) => splitLines(s, `  split ${String(s.split)}: `)),
      `time ${seconds(data)} s`,
    ].join('\n');
  }
  return [
    `dataset ${String(data.dataset_id)}, split ${String(data.split)}: ${String(data.message ?? '')}`,
    ...splitLines(data, ''),
    `time ${seconds(data)} s`,
  ].join('\n');
}

/** A split's counts and thumbnails, the first line after `label`, the second indented as far. */
function splitLines(data: Record<string, unknown>, label: string): string[] {
  const thumbnails = (data.thumbnails ?? {}) as { generated?: number; failed?: number };
  const failures = Object.entries((data.failures ?? {}) as Record<string, number>).map(([code, n]) => `${code} ${n}`);
  return [
    `${label}images ${String(data.image_count)}, annotations ${String(data.annotation_count)}, categories ${String(data.category_count)}`,
    `${' '.repeat(label.length)}thumbnails ${thumbnails.generated ?? 0} made, ${thumbnails.failed ?? 0} failed${failures.length > 0 ? ` (${failures.join(', ')})` : ''}`,
  ];
}

const seconds = (data: Record<string, unknown>): string => ((Number(data.duration_ms) || 0) / 1000).toFixed(1);

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root: this file runs as `dist/harness/workerProcess.js`. */
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** One pino log line of a worker process. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** An `npm run worker` process (its compiled entry, run directly), with its log lines. */
export interface WorkerProcess {
  process: ChildProcess;
  lines: LogLine[];
  /** Resolves with the first line (past or future) `match` accepts. @throws if the process exits first. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** Stops it: SIGTERM (finishes its chunks) or SIGKILL. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Everything it wrote on stderr. */
  stderr(): string;
}

/** Starts a worker with the service's `env` (REDIS_URL, INGEST_ROOTS, DATA_DIR...); resolves once it is ready. */
export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/src/app/workerMain.js')], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    lines.push(line);
    for (const waiter of waiters) {
      if (waiter.match(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  const exited = once(child, 'exit');
  const worker: WorkerProcess = {
    process: child,
    lines,
    waitFor(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      const died = exited.then(([code, signal]) => {
        throw new Error(`the worker exited (${code ?? signal}) first: ${stderr}`);
      });
      // Once the line came, a later exit is no one's concern.
      died.catch(() => undefined);
      return Promise.race([new Promise<LogLine>((resolve) => waiters.add({ match, resolve })), died]);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
    stderr: () => stderr,
  };
  await worker.waitFor((line) => line.msg === 'coco-ingest worker ready');
  return worker;
}

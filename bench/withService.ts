import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchContext } from './BenchContext.js';
import { ServiceProcess } from './ServiceProcess.js';

/** What {@link withService} hands its callback beside the service. */
export interface ServiceRun {
  dataDir: string;
  ingestRoots: string[];
  /**
   * Stops the service (SIGTERM) and starts a new process on the same
   * `DATA_DIR`, as an operator's restart: its first requests are cold.
   * @returns the new process (the old one is gone).
   */
  restart(): Promise<ServiceProcess>;
}

/**
 * Runs `use` against a fresh service: a new process (so its `VmHWM` is this
 * run's peak) with a new, empty `DATA_DIR` under the OS temp folder, stopped
 * with SIGTERM and its data removed afterwards, whatever `use` does.
 * @param label names the run's log file, `<logDir>/<label>.log` (`<label>-restart<n>.log` after a restart)
 */
export async function withService<T>(
  context: BenchContext,
  label: string,
  workers: number,
  use: (service: ServiceProcess, shared: ServiceRun) => Promise<T>,
  extra: { ingestRoots?: string[]; env?: Record<string, string> } = {},
): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'coco-ingest-bench-'));
  try {
    const ingestRoots = [context.inputsDir, ...(extra.ingestRoots ?? [])];
    const start = (logName: string) =>
      ServiceProcess.start({
        repoRoot: context.repoRoot,
        dataDir,
        ingestRoots,
        workers,
        env: extra.env ?? {},
        logFile: path.join(context.logDir, `${logName}.log`),
      });
    let current: ServiceProcess | null = await start(label);
    let restarts = 0;
    const restart = async () => {
      const stopping = current!;
      current = null;
      await stopping.stop();
      current = await start(`${label}-restart${++restarts}`);
      return current;
    };
    let result: T;
    try {
      result = await use(current, { dataDir, ingestRoots, restart });
    } catch (err) {
      await current?.stop().catch(() => undefined);
      throw err;
    }
    await current?.stop();
    return result;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

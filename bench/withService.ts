import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchContext } from './BenchContext.js';
import { ServiceProcess } from './ServiceProcess.js';

/**
 * Runs `use` against a fresh service: a new process (so its `VmHWM` is this
 * run's peak) with a new, empty `DATA_DIR` under the OS temp folder, stopped
 * with SIGTERM and its data removed afterwards, whatever `use` does.
 * @param label names the run's log file, `<logDir>/<label>.log`
 */
export async function withService<T>(
  context: BenchContext,
  label: string,
  workers: number,
  use: (service: ServiceProcess, shared: { dataDir: string; ingestRoots: string[] }) => Promise<T>,
  extra: { ingestRoots?: string[]; env?: Record<string, string> } = {},
): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'coco-ingest-bench-'));
  try {
    const ingestRoots = [context.inputsDir, ...(extra.ingestRoots ?? [])];
    const service = await ServiceProcess.start({
      repoRoot: context.repoRoot,
      dataDir,
      ingestRoots,
      workers,
      env: extra.env ?? {},
      logFile: path.join(context.logDir, `${label}.log`),
    });
    let result: T;
    try {
      result = await use(service, { dataDir, ingestRoots });
    } catch (err) {
      await service.stop().catch(() => undefined);
      throw err;
    }
    await service.stop();
    return result;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How the ceiling run spreads the work. */
export interface SharpCeilingShape {
  /** Child processes, each with its share of the images. */
  processes: number;
  /** Worker threads in each process. */
  threads: number;
  /** Images each thread works on at once. Default 1. */
  inFlight?: number;
}

/**
 * Images/s of the service's thumbnail function alone (no pool, server or
 * database) over the first `count` images of `imageDir`, spread over
 * `shape.processes` processes of `shape.threads` threads each; timed from the
 * first spawn to the last exit, so process start-up is included, as it is for
 * vipsthumbnail.
 */
export async function measureSharpCeiling(repoRoot: string, imageDir: string, outDir: string, count: number, shape: SharpCeilingShape): Promise<number> {
  const child = path.join(repoRoot, 'dist/bench/baselines/sharpThreadsChild.js');
  const per = Math.ceil(count / shape.processes);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: shape.processes }, (_, p) =>
      run(process.execPath, [
        child,
        imageDir,
        outDir,
        String(shape.threads),
        String(p * per),
        String(Math.min(per, count - p * per)),
        String(shape.inFlight ?? 1),
      ]),
    ),
  );
  return (count / (performance.now() - started)) * 1000;
}

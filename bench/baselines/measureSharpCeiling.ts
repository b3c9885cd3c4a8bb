import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { webpImageDataBytes } from '../webpImageDataBytes.js';

/** How the ceiling run spreads the work. */
export interface SharpCeilingShape {
  /** Child processes, each with its share of the images. */
  processes: number;
  /** Worker threads in each process. */
  threads: number;
  /** Images each thread works on at once. Default 1. */
  inFlight?: number;
}

/** What one ceiling run made. */
export interface SharpCeilingResult {
  /** Images ÷ the time from the signal to start to the last process's end, per second. */
  imagesPerSecond: number;
  /** The thumbnails' average size, bytes. */
  bytesPerThumbnail: number;
  /** Their average image data alone (see {@link webpImageDataBytes}), bytes. */
  imageBytesPerThumbnail: number;
  /** CPU time of the processes while they worked, all threads, per image, ms. */
  cpuMsPerImage: number;
}

/**
 * The service's thumbnail function alone (no pool, server or database) over
 * the first `count` images of `imageDir`, spread over `shape.processes`
 * long-lived processes of `shape.threads` threads each. The processes start,
 * load sharp and report ready; the clock starts when all are told to go, so
 * start-up is not counted, as it is not in a running service.
 */
export async function measureSharpCeiling(
  repoRoot: string,
  imageDir: string,
  outDir: string,
  count: number,
  shape: SharpCeilingShape,
): Promise<SharpCeilingResult> {
  await rm(outDir, { recursive: true, force: true });
  const script = path.join(repoRoot, 'dist/bench/baselines/sharpThreadsChild.js');
  const per = Math.ceil(count / shape.processes);
  const children = Array.from({ length: shape.processes }, (_, p) => {
    const args = [script, imageDir, outDir, String(shape.threads), String(p * per), String(Math.min(per, count - p * per)), String(shape.inFlight ?? 1)];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const exited = once(child, 'exit') as Promise<[number | null]>;
    return { child, lines: lines[Symbol.asyncIterator](), exited };
  });
  const nextLine = async (c: (typeof children)[number]) => {
    const { value, done } = await c.lines.next();
    if (done) throw new Error(`the ceiling child ended early (code ${(await c.exited)[0]})`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  await Promise.all(children.map(nextLine));
  const started = performance.now();
  for (const c of children) c.child.stdin.end('go\n');
  const results = await Promise.all(children.map(nextLine));
  const elapsedMs = performance.now() - started;
  for (const c of children) {
    const [code] = await c.exited;
    if (code !== 0) throw new Error(`the ceiling child exited with code ${code}`);
  }
  const outputs = await readdir(outDir);
  if (outputs.length !== count) throw new Error(`the ceiling run wrote ${outputs.length} thumbnails for ${count} images`);
  let bytes = 0;
  let imageBytes = 0;
  for (const name of outputs) {
    const file = await readFile(path.join(outDir, name));
    bytes += file.length;
    imageBytes += webpImageDataBytes(file);
  }
  const cpuMs = results.reduce((sum, r) => sum + Number(r.cpuMs), 0);
  return {
    imagesPerSecond: (count / elapsedMs) * 1000,
    bytesPerThumbnail: bytes / count,
    imageBytesPerThumbnail: imageBytes / count,
    cpuMsPerImage: cpuMs / count,
  };
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { webpImageDataBytes } from '../webpImageDataBytes.js';

/** Options of {@link runVipsThumbnail}. */
export interface VipsThumbnailOptions {
  /** Folder of `.jpg` files. Required. */
  imageDir: string;
  /** Emptied, then filled with one `.webp` per image. Required. */
  outDir: string;
  /** vipsthumbnail processes, one per core (`xargs -P`), each given an equal share of the files at once. Required. */
  processes: number;
  /** Longer side, px (`-s`). Required. */
  size: number;
  /** WebP quality (`[Q=...]`). Required. */
  quality: number;
  /** WebP effort (`[effort=...]`), 0-6: the service's `THUMBNAIL_EFFORT`. Required. */
  effort: number;
}

/** What one vipsthumbnail run made. */
export interface VipsThumbnailResult {
  /** From spawning the pipeline to its exit, ms. */
  wallMs: number;
  /** Thumbnails written. */
  files: number;
  /** Their total size. */
  bytes: number;
  /** Their image data alone (see {@link webpImageDataBytes}). */
  imageBytes: number;
  /** CPU time of the vipsthumbnail processes (user + system, all threads), ms. */
  cpuMs: number;
}

// Paths go in as positional arguments, never into the script text.
const SCRIPT = `set -o pipefail
find "$1" -name '*.jpg' -print0 | sort -z | xargs -0 -P "$2" -n "$3" vipsthumbnail -s "$4" -o "$5"
times >&3`;
// \`times\` prints the shell's, then its children's, user and system time ("0m1.234s 0m0.056s"), on fd 3.

/**
 * Baseline for the thumbnail stage: libvips' own command-line thumbnailer over
 * the same files, matched to the service's thumbnails: the same longer side,
 * WebP quality and effort, metadata stripped (`[Q=..,effort=..,strip]`, as
 * sharp writes by default), and one long-lived process per core, each given its
 * share of the files in one invocation (`xargs -n`) with `VIPS_CONCURRENCY=1`,
 * as the service's workers run libvips with one thread each. Needs
 * `vipsthumbnail` (Debian: `apt-get install libvips-tools`).
 * @throws when the pipeline fails or writes fewer files than there are images
 */
export async function runVipsThumbnail(options: VipsThumbnailOptions): Promise<VipsThumbnailResult> {
  await rm(options.outDir, { recursive: true, force: true });
  await mkdir(options.outDir, { recursive: true });
  const images = (await readdir(options.imageDir)).filter((name) => name.endsWith('.jpg')).length;
  // An absolute output template puts every thumbnail in outDir; %s is the input's base name.
  const template = `${path.join(options.outDir, '%s')}.webp[Q=${options.quality},effort=${options.effort},strip]`;
  const perProcess = Math.ceil(images / options.processes);
  const args = [options.imageDir, options.processes, perProcess, options.size, template].map(String);
  const started = performance.now();
  const child = spawn('bash', ['-c', SCRIPT, 'vipsthumbnail-baseline', ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIPS_CONCURRENCY: '1' },
  });
  let times = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
    times += chunk.toString();
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`vipsthumbnail pipeline exited with code ${code}: ${stderr.slice(-2000)}`);
  const outputs = await readdir(options.outDir);
  if (outputs.length !== images) throw new Error(`vipsthumbnail wrote ${outputs.length} thumbnails for ${images} images`);
  let bytes = 0;
  let imageBytes = 0;
  for (const name of outputs) {
    const file = await readFile(path.join(options.outDir, name));
    bytes += file.length;
    imageBytes += webpImageDataBytes(file);
  }
  return { wallMs, files: outputs.length, bytes, imageBytes, cpuMs: childrenCpuMs(times) };
}

/** The children's user + system time from bash's `times` output (its second line), ms. */
export function childrenCpuMs(times: string): number {
  const line = times.trim().split('\n')[1];
  const parts = line === undefined ? [] : [...line.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) throw new Error(`unexpected output of times: ${JSON.stringify(times)}`);
  return parts.reduce((sum, [, minutes, seconds]) => sum + (Number(minutes) * 60 + Number(seconds)) * 1000, 0);
}

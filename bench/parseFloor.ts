import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ingestOverHttp } from './ingestOverHttp.js';
import { REPO_ROOT } from './repoRoot.js';
import { ServiceProcess } from './ServiceProcess.js';

const run = promisify(execFile);

/**
 * The floor the metadata ingest is held to (issue 23): `JSON.parse(readFileSync(file))`
 * of the whole file, in a fresh child process, timed inside it, and alternated
 * with the service's metadata-only ingest of the same file, so that both meet
 * the same load on a shared machine. Each round's ratio is printed; the figure to
 * quote is the median of the per-round ratios.
 *
 * Usage: `node dist/bench/parseFloor.js <annotation file> [rounds] [KEY=VALUE env for the service ...]`.
 * Set `NODE_OPTIONS=--cpu-prof --cpu-prof-dir=<dir>` in that env to profile the service.
 */
async function main(): Promise<void> {
  const [file, roundsArg, ...envArgs] = process.argv.slice(2);
  if (!file) throw new Error('usage: parseFloor <annotation file> [rounds] [KEY=VALUE ...]');
  const rounds = Number(roundsArg ?? 3);
  const env = Object.fromEntries(envArgs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const floorMs = await parseInChild(file);
    const ingest = await ingestOnce(file, env);
    const ratio = ingest.wallMs / floorMs;
    ratios.push(ratio);
    console.log(
      `round ${round}: JSON.parse ${(floorMs / 1000).toFixed(2)} s, ingest ${(ingest.wallMs / 1000).toFixed(2)} s ` +
        `(server ${(ingest.serverMs / 1000).toFixed(2)} s), ratio ${ratio.toFixed(2)}x, peak RSS ${(ingest.peakRss / 1e6).toFixed(0)} MB`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(`median ratio ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)}x over ${rounds} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')})`);
}

/** `JSON.parse(readFileSync(file))` in a fresh process, in ms. */
async function parseInChild(file: string): Promise<number> {
  const script =
    "const fs=require('fs');const t=performance.now();const v=JSON.parse(fs.readFileSync(process.argv[1]));" +
    'process.stdout.write(String(performance.now()-t)+(v?"":""))';
  const { stdout } = await run(process.execPath, ['--max-old-space-size=8192', '-e', script, file], { maxBuffer: 1 << 20 });
  return Number(stdout);
}

/** One metadata-only ingest of `file` by a fresh service. */
async function ingestOnce(file: string, env: Record<string, string>): Promise<{ wallMs: number; serverMs: number; peakRss: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parse-floor-'));
  const root = path.dirname(path.dirname(file));
  const service = await ServiceProcess.start({
    repoRoot: REPO_ROOT,
    dataDir,
    ingestRoots: [root],
    workers: os.availableParallelism(),
    logFile: path.join(dataDir, 'service.log'),
    env,
  });
  try {
    const result = await ingestOverHttp(service.url, {
      annotation_path: file,
      image_dir: path.join(root, 'images'),
      dataset_name: 'floor',
      thumbnails: 'none',
    });
    const peakRss = await service.peakRss();
    return { wallMs: result.wallMs, serverMs: result.complete.duration_ms, peakRss };
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();

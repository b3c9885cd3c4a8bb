import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** Packages whose versions the report records. */
export const REPORTED_PACKAGES = [
  'sharp',
  '@duckdb/node-api',
  'piscina',
  'stream-json',
  'better-sse',
  'koa',
  'autocannon',
  '@google-cloud/storage',
  'firebase-tools',
] as const;

/** The machine and software a report was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  /** Distribution name, from /etc/os-release when present. */
  os: string;
  kernel: string;
  node: string;
  /** Installed version of each of {@link REPORTED_PACKAGES}. */
  packages: Record<string, string>;
  /** libvips inside sharp. */
  sharpLibvips: string;
  /** `vipsthumbnail --version`, or null when it is not installed. */
  vipsthumbnail: string | null;
  /** The commit measured (`git describe --always --dirty`), or null outside a git checkout. */
  commit: string | null;
}

/** Reads the machine's description and the installed versions from `repoRoot`'s node_modules. */
export async function machineInfo(repoRoot: string): Promise<MachineInfo> {
  const packages: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) {
    const json = JSON.parse(await readFile(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    packages[name] = json.version;
  }
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    os: await distribution(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages,
    sharpLibvips: sharp.versions.vips,
    vipsthumbnail: await vipsthumbnailVersion(),
    commit: await gitCommit(repoRoot),
  };
}

async function distribution(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

async function vipsthumbnailVersion(): Promise<string | null> {
  try {
    const { stdout } = await run('vipsthumbnail', ['--version']);
    return stdout.trim();
  } catch {
    return null;
  }
}

async function gitCommit(repoRoot: string): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['describe', '--always', '--dirty'], { cwd: repoRoot });
    return stdout.trim();
  } catch {
    return null;
  }
}

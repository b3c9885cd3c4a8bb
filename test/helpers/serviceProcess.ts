import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './startTestServer.js';

/** `npm start`'s entry point running as a process of its own, so that what would end it ends only it. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code or signal when the process ends, whenever that is. */
  exited: Promise<string>;
  /** True while the process runs. */
  alive(): boolean;
  /** What it wrote on stderr (a crash's stack goes there), and its log lines of level error or above (but jobs that failed, as most fuzzed ones do). */
  diagnostics(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `dist/src/app/serverMain.js` with `env` over a clean environment (no API_TOKEN), and resolves once it listens. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/src/app/serverMain.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const errors: string[] = [];
  child.stderr!.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => String(code ?? signal));
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = /"url":"([^"]+)"/.exec(line)?.[1];
      if (url) resolve(url);
      // pino's error (50) and fatal (60) lines: what a 5xx answer leaves behind.
      if (/"level":[56]\d/.test(line) && !line.includes('"msg":"job failed"')) errors.push(line);
    });
    void exited.then((how) => reject(new Error(`the service exited (${how}) before listening: ${stderr}`)));
  });
  const url = await listening;
  return {
    child,
    url,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    diagnostics: () => [stderr.slice(0, 3000), ...errors.slice(-3).map((line) => line.slice(0, 600))].filter(Boolean).join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

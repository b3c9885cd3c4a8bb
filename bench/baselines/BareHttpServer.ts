import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ChildOutput } from '../ChildOutput.js';

/** Options of {@link BareHttpServer.start}. */
export interface BareHttpServerOptions {
  /** The repository, where `dist/bench/baselines/bareHttpServerChild.js` is. Required. */
  repoRoot: string;
  /** The file every request gets. Required. */
  file: string;
  /** Where the child's output goes. Required. */
  logFile: string;
  /** How long start-up may take. Default 30 s. */
  startTimeoutMs?: number;
}

const DEFAULTS = { startTimeoutMs: 30_000 } as const;

/** Baseline for serving a thumbnail: a bare `node:http` server in a child process (see bareHttpServerChild). */
export class BareHttpServer {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #output: ChildOutput;
  readonly #exited: Promise<unknown[]>;

  private constructor(child: ChildProcess, url: string, output: ChildOutput, exited: Promise<unknown[]>) {
    this.#child = child;
    this.url = url;
    this.#output = output;
    this.#exited = exited;
  }

  /** Spawns the server and resolves once it listens. */
  static async start(options: BareHttpServerOptions): Promise<BareHttpServer> {
    const script = path.join(options.repoRoot, 'dist/bench/baselines/bareHttpServerChild.js');
    const child = spawn(process.execPath, [script, options.file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    const output = new ChildOutput(options.logFile, [child.stdout!, child.stderr!]);
    const failed = exited.then(([code]) => {
      throw new Error(`the bare HTTP server exited during start-up (code ${code}):\n${output.tail()}`);
    });
    try {
      const url = await output.waitForJsonLine(
        (line) => (typeof line.url === 'string' ? line.url : undefined),
        failed,
        options.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
      );
      return new BareHttpServer(child, url, output, exited);
    } catch (err) {
      child.kill('SIGKILL');
      await output.close();
      throw err;
    }
  }

  /** Stops it and waits for it to exit. */
  async stop(): Promise<void> {
    this.#child.kill('SIGTERM');
    await this.#exited;
    await this.#output.close();
  }
}

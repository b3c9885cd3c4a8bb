import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ChildOutput } from './ChildOutput.js';
import { readProcMemory } from './procStatus.js';
import { RssSampler } from './RssSampler.js';

/** Options of {@link ServiceProcess.start}. */
export interface ServiceProcessOptions {
  /** The repository: the child runs `dist/src/app/serverMain.js` with it as working directory. Required. */
  repoRoot: string;
  /** `DATA_DIR`: a fresh directory per run, so each run starts from an empty database. Required. */
  dataDir: string;
  /** `INGEST_ROOTS`. Required. */
  ingestRoots: string[];
  /** `WORKERS`. Required. */
  workers: number;
  /** Where the child's stdout and stderr go. Required. */
  logFile: string;
  /** How long start-up may take. Default 60 s. */
  startTimeoutMs?: number;
  /** How long a graceful stop may take before SIGKILL. Default 60 s. */
  stopTimeoutMs?: number;
  /** Resident set sampling interval. Default 100 ms. */
  rssIntervalMs?: number;
  /** More environment variables (e.g. `GCS_ENDPOINT`). Default none. */
  env?: Record<string, string>;
}

/** Defaults of {@link ServiceProcessOptions}. */
export const SERVICE_PROCESS_DEFAULTS = { startTimeoutMs: 60_000, stopTimeoutMs: 60_000, rssIntervalMs: 100 } as const;

const LISTENING = 'coco-ingest listening on';
/** The line the service logs when its evaluation warm-up (`EVALUATION_WARM_UP_IMAGES`) has ended. */
const WARMED_UP = 'evaluation code compiled';

/**
 * The service as a user runs it: `node dist/src/app/serverMain.js` in a child
 * process, configured only through its environment, on a free port. Its address
 * is read from its start-up log line. `LOG_LEVEL` is left at its default, so the
 * cost of logging is part of what is measured.
 */
export class ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** The child's resident set, sampled since start. */
  readonly rss: RssSampler;
  readonly #child: ChildProcess;
  readonly #output: ChildOutput;
  readonly #exited: Promise<[number | null, NodeJS.Signals | null]>;
  readonly #stopTimeoutMs: number;

  private constructor(
    child: ChildProcess,
    url: string,
    output: ChildOutput,
    exited: Promise<[number | null, NodeJS.Signals | null]>,
    rss: RssSampler,
    stopTimeoutMs: number,
  ) {
    this.#child = child;
    this.pid = child.pid!;
    this.url = url;
    this.#output = output;
    this.#exited = exited;
    this.rss = rss;
    this.#stopTimeoutMs = stopTimeoutMs;
  }

  /** Spawns the service and resolves once it listens and has ended its evaluation warm-up (when `EVALUATION_WARM_UP_IMAGES` asks for one). */
  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const o = { ...SERVICE_PROCESS_DEFAULTS, ...options };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: o.dataDir,
      INGEST_ROOTS: o.ingestRoots.join(','),
      WORKERS: String(o.workers),
      ...o.env,
    };
    delete env.LOG_LEVEL;
    const child = spawn(process.execPath, [path.join(o.repoRoot, 'dist/src/app/serverMain.js')], {
      cwd: o.repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const output = new ChildOutput(o.logFile, [child.stdout!, child.stderr!]);
    const failed = Promise.race([
      exited.then(([code, signal]) => {
        throw new Error(`the service exited during start-up (code ${code}, signal ${signal}):\n${output.tail()}`);
      }),
      once(child, 'error').then(([err]) => {
        throw err;
      }),
    ]);
    // Ready means warmed up too: the warm-up takes both cores for a few seconds, which would otherwise land in
    // whatever a section times first (a cold query, an export, an ingest, the first evaluation). Waited for from
    // the start, so its line is not missed however soon it comes.
    // The service's default is no warm-up: only a count above 0 logs the line.
    const warmedUp =
      Number(env.EVALUATION_WARM_UP_IMAGES ?? '0') === 0
        ? Promise.resolve(true)
        : output.waitForJsonLine((line) => (typeof line.msg === 'string' && line.msg.startsWith(WARMED_UP) ? true : undefined), failed, o.startTimeoutMs);
    warmedUp.catch(() => undefined);
    try {
      const url = await output.waitForJsonLine(
        (line) => (typeof line.msg === 'string' && line.msg.startsWith(LISTENING) && typeof line.url === 'string' ? line.url : undefined),
        failed,
        o.startTimeoutMs,
      );
      await warmedUp;
      return new ServiceProcess(child, url, output, exited, new RssSampler(child.pid!, o.rssIntervalMs), o.stopTimeoutMs);
    } catch (err) {
      child.kill('SIGKILL');
      await output.close();
      throw err;
    }
  }

  /** The child's peak resident set since it started (`VmHWM`), in bytes. */
  async peakRss(): Promise<number> {
    const peak = await readProcMemory(this.pid, 'VmHWM');
    if (peak === null) throw new Error(`the service (pid ${this.pid}) is gone; last output:\n${this.#output.tail()}`);
    return peak;
  }

  /** Its current resident set (`VmRSS`), in bytes. */
  async currentRss(): Promise<number> {
    const rss = await readProcMemory(this.pid, 'VmRSS');
    if (rss === null) throw new Error(`the service (pid ${this.pid}) is gone; last output:\n${this.#output.tail()}`);
    return rss;
  }

  /**
   * Stops it the way an operator would (SIGTERM) and waits for it to exit.
   * @throws when it needs SIGKILL or exits with a failure code.
   */
  async stop(): Promise<void> {
    this.rss.stop();
    this.#child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#stopTimeoutMs);
    });
    const outcome = await Promise.race([this.#exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#child.kill('SIGKILL');
      await this.#exited;
      await this.#output.close();
      throw new Error(`the service did not stop within ${this.#stopTimeoutMs} ms of SIGTERM; see ${this.#output.file}`);
    }
    await this.#output.close();
    const [code, signal] = outcome;
    if (code !== 0) throw new Error(`the service exited with code ${code} (signal ${signal}); last output:\n${this.#output.tail()}`);
  }
}

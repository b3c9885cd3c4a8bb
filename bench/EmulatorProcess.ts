import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { procCpuSeconds } from './procCpuSeconds.js';

/** Options of {@link EmulatorProcess.start}. */
export interface EmulatorProcessOptions {
  /** Latency the proxy adds to every request, in ms. Required. */
  proxyDelayMs: number;
}

/** The Cloud Storage emulator and a latency proxy in front of it, in a child process (see emulatorChild.ts). */
export class EmulatorProcess {
  /** The emulator itself, for uploads. */
  readonly endpoint: string;
  /** The proxy, for the service. */
  readonly proxyEndpoint: string;
  readonly projectId: string;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, message: { endpoint: string; proxyEndpoint: string; projectId: string }) {
    this.#child = child;
    this.endpoint = message.endpoint;
    this.proxyEndpoint = message.proxyEndpoint;
    this.projectId = message.projectId;
  }

  static async start(repoRoot: string, options: EmulatorProcessOptions): Promise<EmulatorProcess> {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/bench/emulatorChild.js')], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, PROXY_DELAY_MS: String(options.proxyDelayMs) },
    });
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`the storage emulator exited during start-up (code ${code})`);
      }),
    ])) as [{ endpoint: string; proxyEndpoint: string; projectId: string }];
    return new EmulatorProcess(child, message);
  }

  /** CPU seconds the emulator and its proxy have used so far. */
  async cpuSeconds(): Promise<number> {
    return (await procCpuSeconds(this.#child.pid!)) ?? 0;
  }

  async stop(): Promise<void> {
    const exited = once(this.#child, 'exit');
    this.#child.disconnect();
    await exited;
  }
}

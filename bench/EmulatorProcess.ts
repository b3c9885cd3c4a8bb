import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { procCpuSeconds } from './procCpuSeconds.js';

/** The Cloud Storage emulator in a child process (see emulatorChild.ts). */
export class EmulatorProcess {
  readonly endpoint: string;
  readonly projectId: string;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, endpoint: string, projectId: string) {
    this.#child = child;
    this.endpoint = endpoint;
    this.projectId = projectId;
  }

  static async start(repoRoot: string): Promise<EmulatorProcess> {
    const child = fork(path.join(repoRoot, 'dist/bench/emulatorChild.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`the storage emulator exited during start-up (code ${code})`);
      }),
    ])) as [{ endpoint: string; projectId: string }];
    return new EmulatorProcess(child, message.endpoint, message.projectId);
  }

  /** CPU seconds the emulator has used so far. */
  async cpuSeconds(): Promise<number> {
    return (await procCpuSeconds(this.#child.pid!)) ?? 0;
  }

  async stop(): Promise<void> {
    const exited = once(this.#child, 'exit');
    this.#child.disconnect();
    await exited;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { REPO_ROOT } from './startTestServer.js';

const CLI = path.join(REPO_ROOT, 'dist/src/cli/main.js');

/** How a command is run: through a pseudo-terminal, or as another user (`uid`/`gid`, when the tests run as root). */
export interface RunOptions {
  viaTerminal?: boolean;
  user?: { uid: number; gid: number };
}

/** Starts the command; `done` resolves when it exits. `onStdout` sees its output as it comes. */
function start(argv: string[], onStdout: (text: string, child: ChildProcess) => void = () => undefined, options: RunOptions = {}) {
  // A pseudo-terminal through util-linux's `script`, so that stdout is a TTY as in a terminal.
  const child = options.viaTerminal
    ? spawn('script', ['-qfec', [process.execPath, CLI, ...argv].map((a) => `'${a}'`).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.user ?? {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout(d.toString(), child);
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': the command's last output may still be in the pipe when it exits.
  const done = once(child, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, done };
}

export const run = (argv: string[], onStdout?: (text: string, child: ChildProcess) => void, options?: RunOptions) => start(argv, onStdout, options).done;

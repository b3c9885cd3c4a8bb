import { Worker } from 'node:worker_threads';

const NO_REQUIRE_ESM = '--no-experimental-require-module';
let chosen: string[] | undefined | null = null;

/**
 * The Node options of the pools' worker threads, with `require()` of ES
 * modules turned off where Node has it. piscina loads a worker's module with
 * `require()` first; on Node 20.19+ that is `require(esm)`, and a thread
 * terminated while it instantiates a module that way aborts the whole process
 * ("v8::Module::IsGraphAsync must be used on an instantiated module"): a warm
 * pool closed while its threads were still starting did so, in a probe one
 * run of 150 quick closes in four. Without it, `require()` refuses the module
 * at once and piscina falls back to `import()`.
 *
 * The threads keep the process's own options when Node takes them in a
 * thread; it refuses some (`--max-old-space-size`, `--title`) once execArgv is
 * given, so then they get the one option alone. Decided once, by asking Node.
 * @returns the options, or undefined (inherit the process's) on a Node without require(esm)
 */
export function workerExecArgv(): string[] | undefined {
  if (chosen !== null) return chosen;
  if (!process.allowedNodeEnvironmentFlags.has('--experimental-require-module')) {
    chosen = undefined;
    return chosen;
  }
  const inherited = process.execArgv.filter((option) => option !== NO_REQUIRE_ESM);
  chosen = takenByThreads([...inherited, NO_REQUIRE_ESM]) ? [...inherited, NO_REQUIRE_ESM] : [NO_REQUIRE_ESM];
  return chosen;
}

/** Whether Node starts a thread with these options: it checks them when the Worker is made, before the thread runs. */
function takenByThreads(execArgv: string[]): boolean {
  try {
    const probe = new Worker('', { eval: true, execArgv });
    void probe.terminate();
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_WORKER_INVALID_EXEC_ARGV') return false;
    throw err;
  }
}

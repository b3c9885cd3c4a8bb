/**
 * The Node options of the pools' worker threads: the process's own, and
 * `require()` of ES modules turned off where Node has it. piscina loads a
 * worker's module with `require()` first; on Node 20.19+ that is
 * `require(esm)`, and a thread terminated while it instantiates a module that
 * way aborts the whole process ("v8::Module::IsGraphAsync must be used on an
 * instantiated module"): a warm pool closed while its threads were still
 * starting did so, one run in a few dozen. Without it, `require()` refuses the
 * module at once and piscina falls back to `import()`.
 */
export function workerExecArgv(): string[] {
  const flag = '--no-experimental-require-module';
  const known = process.allowedNodeEnvironmentFlags.has('--experimental-require-module');
  return known && !process.execArgv.includes(flag) ? [...process.execArgv, flag] : [...process.execArgv];
}

import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../repoRoot.js';

const run = promisify(execFile);

/** What pycocotools took and found on one evaluation. */
export interface PycocotoolsRun {
  /** `evaluate()` + `accumulate()`, in ms: the baseline. */
  ms: number;
  loadMs: number;
  stats: number[];
}

/** The pycocotools build to compare with: `--pycocotools <dir>` or `PYCOCOTOOLS_DIR` (a cocoapi `PythonAPI` folder); null when neither names one that exists. */
export async function pycocotoolsDir(given: string | undefined): Promise<string | null> {
  const dir = given ?? process.env.PYCOCOTOOLS_DIR;
  if (dir === undefined || dir === '') return null;
  const found = await stat(path.join(dir, 'pycocotools', 'cocoeval.py')).catch(() => null);
  return found ? path.resolve(dir) : null;
}

/** Runs pycocotools' COCOeval with Debian's `/usr/bin/python3` on the same files the service read. */
export async function runPycocotools(dir: string, gt: string, results: string, iouType: string): Promise<PycocotoolsRun> {
  const script = path.join(REPO_ROOT, 'bench/evaluation/pycocotools_eval.py');
  const { stdout } = await run('/usr/bin/python3', [script, gt, results, iouType], {
    env: { ...process.env, PYTHONPATH: dir },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = JSON.parse(stdout.trim().split('\n').at(-1)!) as { load_s: number; evaluate_s: number; accumulate_s: number; stats: number[] };
  return { ms: (line.evaluate_s + line.accumulate_s) * 1000, loadMs: line.load_s * 1000, stats: line.stats };
}

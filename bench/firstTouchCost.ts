import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Bytes the probe touches: enough pages (131,072 of 4 KiB) that the per-page cost dominates the copy itself. */
export const FIRST_TOUCH_BYTES = 512 * 1024 * 1024;

/** What writing once into memory the process has never touched cost. */
export interface FirstTouchCost {
  /** Milliseconds to fill the probe's fresh memory. */
  ms: number;
  /** The same, per 4 KiB page, in microseconds. */
  microsecondsPerPage: number;
}

// Run in a fresh process, so none of the pages is reused: Buffer.allocUnsafeSlow of this size is an
// untouched mmap, and fill() faults in every page once.
const probe = (bytes: number) =>
  `const b = Buffer.allocUnsafeSlow(${bytes}); const t = process.hrtime.bigint(); b.fill(1); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;

/**
 * Times the first write into `bytes` (default {@link FIRST_TOUCH_BYTES}, 512 MiB) of new memory, in a child process. On a
 * virtual machine whose host backs guest memory lazily, or takes freed pages
 * back (free page reporting), each such page fault can cost ten
 * microseconds or more instead of a fraction of one (10-16 µs measured here). The floor of target 2,
 * `JSON.parse` of a 355 MB file, grows a heap of about 1 GB and pays that cost
 * in full, while the streaming ingest reuses a few hundred MB: the report gives
 * this figure at the start and end of the run so that a floor that moved
 * between runs of the bench can be told apart from a service that did.
 */
export async function firstTouchCost(bytes: number = FIRST_TOUCH_BYTES): Promise<FirstTouchCost> {
  const { stdout } = await run(process.execPath, ['-e', probe(bytes)]);
  const ms = Number(stdout);
  return { ms, microsecondsPerPage: (ms * 1000) / (bytes / 4096) };
}

/** The figure as the report's settings table shows it. */
export function formatFirstTouch(cost: FirstTouchCost): string {
  return `${cost.ms.toFixed(0)} ms (${cost.microsecondsPerPage.toFixed(2)} µs per 4 KiB page)`;
}

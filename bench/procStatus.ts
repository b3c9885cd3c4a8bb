import { readFile } from 'node:fs/promises';

/** Fields of `/proc/<pid>/status` given in kB. */
export type ProcMemoryField = 'VmRSS' | 'VmHWM';

/**
 * A memory figure of a live process from `/proc/<pid>/status`, in bytes:
 * `VmHWM` is the peak resident set since the process started, which no sampling
 * can miss. Linux only; null when the process is gone.
 */
export async function readProcMemory(pid: number, field: ProcMemoryField): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

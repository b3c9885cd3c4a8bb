import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ: `/proc/<pid>/stat` counts CPU time in 1/100 s on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a live process has used, in seconds, from `/proc/<pid>/stat`
 * (or one of its threads', `/proc/<pid>/task/<tid>/stat`: the main thread's is `tid = pid`); null when it is gone.
 */
export async function procCpuSeconds(pid: number, tid?: number): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

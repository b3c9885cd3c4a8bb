import path from 'node:path';

/** True when `candidate` is `root` or lies under it (both absolute, judged on their text). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

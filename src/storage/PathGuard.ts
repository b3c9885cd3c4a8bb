import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, forbiddenPath, invalidRequest } from '../errors.js';
import { isInside } from './isInside.js';

/**
 * Decides what the service may read: only what lies inside the configured
 * ingest roots, judged on the real path (after resolving symlinks), so a link
 * inside a root that points out of it is refused too.
 */
export class PathGuard {
  readonly #roots: Promise<string[]>;

  /** @param roots directories; ones that do not exist are ignored. */
  constructor(roots: readonly string[]) {
    this.#roots = Promise.all(
      roots.map(async (root) => {
        try {
          return await realpath(root);
        } catch {
          return null;
        }
      }),
    ).then((list) => list.filter((r): r is string => r !== null));
  }

  /**
   * Resolves a client-given path (relative to the working directory) to its real
   * path and checks it lies inside a root and is of the expected kind.
   * @throws AppError 403 `PATH_FORBIDDEN` outside the roots; 400 `INVALID_REQUEST` when missing or of the wrong kind.
   */
  async resolve(field: string, given: string, kind: 'file' | 'directory'): Promise<string> {
    if (given.includes('\0')) throw invalidRequest(`${field}: must not contain NUL bytes`);
    const absolute = path.resolve(given);
    // Judge the lexical path first, so a path outside the roots gets 403 whether or not it exists.
    const roots = await this.#roots;
    if (!roots.some((root) => isInside(root, absolute)) && !(await this.#linkedInside(absolute, roots))) {
      throw forbiddenPath(`${field}: ${given} is outside the directories this service may read (INGEST_ROOTS)`);
    }
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw invalidRequest(`${field}: ${given} does not exist`);
      throw new AppError('PATH_UNREADABLE', `${field}: ${given} cannot be read (${code})`);
    }
    if (!roots.some((root) => isInside(root, real))) {
      throw forbiddenPath(`${field}: ${given} resolves to a place outside INGEST_ROOTS`);
    }
    const info = await stat(real);
    if (kind === 'file' && !info.isFile()) throw invalidRequest(`${field}: ${given} is not a file`);
    if (kind === 'directory' && !info.isDirectory()) throw invalidRequest(`${field}: ${given} is not a directory`);
    return real;
  }

  /** True when `real` (a real path) lies inside a root. */
  async contains(real: string): Promise<boolean> {
    return (await this.#roots).some((root) => isInside(root, real));
  }

  async #linkedInside(absolute: string, roots: string[]): Promise<boolean> {
    // A root may itself be reached through a symlink (e.g. /tmp -> /private/tmp): compare real paths.
    try {
      const real = await realpath(absolute);
      return roots.some((root) => isInside(root, real));
    } catch {
      return false;
    }
  }
}

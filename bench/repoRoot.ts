import path from 'node:path';

/** The repository root: this file runs as `dist/bench/repoRoot.js`. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

#!/usr/bin/env node
// `npm test`'s first step (package.json "pretest"), before the build: the system tools the tests
// drive, which npm cannot install. The browser tests launch Debian's Chromium (CHROMIUM_PATH
// overrides /usr/bin/chromium: a test tool's own download of a browser fails here) and the queue
// tests start Debian's redis-server. What is missing is installed with apt-get when this can
// (as root, apt-get present); otherwise npm test stops here with exit 1 and the command to run.
// Plain JavaScript, not TypeScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when `command` is an executable file in a folder of PATH. */
function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => executable(path.join(dir || '.', command)));
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Debian packages of the tools that are not there. */
function missing() {
  const packages = [];
  if (!executable(chromium)) packages.push('chromium');
  if (!onPath('redis-server')) packages.push('redis-server');
  return packages;
}

/** Runs apt-get quietly, non-interactively; true when it succeeded. */
function aptGet(args) {
  const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

let packages = missing();
if (packages.length > 0) {
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...packages];
  const root = process.getuid?.() === 0;
  if (root && onPath('apt-get')) {
    process.stderr.write(`pretest: the tests need ${packages.join(' and ')}; installing with apt-get\n`);
    if (aptGet(['update', '-qq']) && aptGet(install)) packages = missing();
  }
  if (packages.length > 0) {
    const where =
      packages.includes('chromium') && process.env.CHROMIUM_PATH !== undefined ? ` (or set CHROMIUM_PATH to a Chromium; ${chromium} is not one)` : '';
    process.stderr.write(
      `pretest: the tests need ${packages.join(' and ')}, missing here. Install, then run npm test again${where}:\n` +
        `  ${root ? '' : 'sudo '}apt-get install -y --no-install-recommends ${packages.join(' ')}\n`,
    );
    process.exit(1);
  }
}

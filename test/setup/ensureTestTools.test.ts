import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../helpers/startTestServer.js';

const SCRIPT = path.join(REPO_ROOT, 'test/setup/ensureTestTools.mjs');

/** Runs the pretest script with `env` as its whole environment; its exit code and stderr. */
async function ensure(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null]; // 'close': stderr is read to its end
  return { code, stderr };
}

describe("npm test's pretest: the system tools the tests drive", function () {
  this.timeout(30_000);
  let dir: string;
  let bin: string;

  beforeEach(async () => {
    // A PATH of one folder holding only what each case puts there: a machine without the tools.
    dir = await mkdtemp(path.join(os.tmpdir(), 'ensure-tools-'));
    bin = path.join(dir, 'bin');
    await mkdir(bin);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('does nothing when Chromium and redis-server are there, as on this machine', async () => {
    const { code, stderr } = await ensure({ PATH: process.env.PATH ?? '' });
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
  });

  it('stops with exit 1 and the one command to run when the tools are missing and apt-get is not there', async () => {
    const { code, stderr } = await ensure({ PATH: bin, CHROMIUM_PATH: path.join(dir, 'no-chromium') });
    expect(code).to.equal(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).to.match(/^pretest: the tests need chromium and redis-server, missing here/);
    expect(lines[1]).to.match(/^ {2}(sudo )?apt-get install -y --no-install-recommends chromium redis-server$/);
    expect(lines).to.have.length(2);
  });

  it('installs what is missing with apt-get (update first, non-interactive, no recommends) as root, or says the command with sudo otherwise', async () => {
    // Chromium is there; redis-server is not, and apt-get is a stand-in that logs its calls and "installs" it.
    const chromium = path.join(dir, 'chromium');
    await writeFile(chromium, '#!/bin/sh\n');
    await chmod(chromium, 0o755);
    const log = path.join(dir, 'apt-get.log');
    await writeFile(
      path.join(bin, 'apt-get'),
      `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> ${log}\n` +
        `if [ "$1" = install ]; then printf '#!/bin/sh\\n' > ${bin}/redis-server; /bin/chmod 755 ${bin}/redis-server; fi\n`,
    );
    await chmod(path.join(bin, 'apt-get'), 0o755);
    const { code, stderr } = await ensure({ PATH: bin, CHROMIUM_PATH: chromium });
    if (process.getuid?.() === 0) {
      expect(code, stderr).to.equal(0);
      expect(stderr).to.equal('pretest: the tests need redis-server; installing with apt-get\n');
      expect(await readFile(log, 'utf8')).to.equal('noninteractive update -qq\nnoninteractive install -y -qq --no-install-recommends redis-server\n');
    } else {
      expect(code).to.equal(1);
      expect(stderr).to.include('\n  sudo apt-get install -y --no-install-recommends redis-server\n');
      expect(await readFile(log, 'utf8').catch(() => 'never called')).to.equal('never called');
    }
  });

  it('stops with the command when apt-get ran but the tool is still not there', async () => {
    await symlink('/bin/true', path.join(bin, 'apt-get'));
    const { code, stderr } = await ensure({ PATH: bin, CHROMIUM_PATH: '/bin/true' });
    expect(code).to.equal(1);
    expect(stderr).to.match(/\n {2}(sudo )?apt-get install -y --no-install-recommends redis-server\n$/);
  });
});

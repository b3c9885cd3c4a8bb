import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadPlugins } from '../../src/plugins/loadPlugins.js';
import { expectRejection } from '../helpers/expectRejection.js';
import { REPO_ROOT } from '../helpers/startTestServer.js';

describe('loadPlugins', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plugins-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the shipped example plugin', async () => {
    const plugins = await loadPlugins(path.join(REPO_ROOT, 'plugins'));
    expect(plugins.map((p) => p.name)).to.deep.equal(['category-stats']);
  });

  it('treats a missing directory as no plugins', async () => {
    expect(await loadPlugins(path.join(dir, 'absent'))).to.deep.equal([]);
  });

  it('skips files that are not modules or start with _ or .', async () => {
    await writeFile(path.join(dir, 'notes.txt'), 'hello');
    await writeFile(path.join(dir, '_helper.js'), 'throw new Error("must not load")');
    expect(await loadPlugins(dir)).to.deep.equal([]);
  });

  it('refuses a module that exports no hooks, naming the file', async () => {
    await writeFile(path.join(dir, 'empty.mjs'), 'export default { name: "empty" }');
    await expectRejection(loadPlugins(dir), /empty\.mjs: exports none of the hooks/);
  });

  it('refuses a module that fails to load, naming the file', async () => {
    await writeFile(path.join(dir, 'broken.mjs'), 'export default {');
    await expectRejection(loadPlugins(dir), /broken\.mjs failed to load/);
  });
});

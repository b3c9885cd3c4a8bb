import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { workerExecArgv } from '../../src/workers/workerExecArgv.js';

const requireEsmKnown = process.allowedNodeEnvironmentFlags.has('--experimental-require-module');

describe('workerExecArgv', () => {
  it("turns require(esm) off in the pools' threads, so piscina loads their module with import()", async () => {
    // A Node without require(esm) knows no such option: its threads inherit the process's.
    expect(workerExecArgv()?.includes('--no-experimental-require-module') ?? false).to.equal(requireEsmKnown);
    // What piscina meets in such a thread: require() of an ES module refuses at once, with the code it catches.
    const probe = new Worker(
      `const { parentPort } = require('node:worker_threads');
       try { require(${JSON.stringify(fileURLToPath(new URL('../../src/workers/thumbnailWorker.js', import.meta.url)))}); parentPort.postMessage('loaded'); }
       catch (err) { parentPort.postMessage(err.code); }`,
      { eval: true, execArgv: workerExecArgv() },
    );
    const [answer] = await once(probe, 'message');
    await probe.terminate();
    expect(answer).to.equal(requireEsmKnown ? 'ERR_REQUIRE_ESM' : 'loaded');
  });

  it('lets a service started with options Node refuses in a thread (--max-old-space-size) open and close its warm pool', async function () {
    this.timeout(30_000);
    const pool = fileURLToPath(new URL('../../src/workers/ThumbnailPool.js', import.meta.url));
    const script = `import(${JSON.stringify(pool)}).then(async ({ ThumbnailPool }) => {
      const pool = new ThumbnailPool({ workers: 1, warm: true });
      await pool.close();
      process.stdout.write('closed');
    });`;
    const child = spawn(process.execPath, ['--max-old-space-size=512', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect({ code, output }).to.deep.equal({ code: 0, output: 'closed' });
  });
});

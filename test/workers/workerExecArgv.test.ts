import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { workerExecArgv } from '../../src/workers/workerExecArgv.js';

describe('workerExecArgv', () => {
  it("turns require(esm) off in the pools' threads, so piscina loads their module with import()", async () => {
    // A Node without require(esm) knows no such flag, and refuses a worker given one.
    const known = process.allowedNodeEnvironmentFlags.has('--experimental-require-module');
    expect(workerExecArgv().includes('--no-experimental-require-module')).to.equal(known);
    // What piscina meets in such a thread: require() of an ES module refuses at once, with the code it catches.
    const probe = new Worker(
      `const { parentPort } = require('node:worker_threads');
       try { require(${JSON.stringify(new URL('../../src/workers/thumbnailWorker.js', import.meta.url).pathname)}); parentPort.postMessage('loaded'); }
       catch (err) { parentPort.postMessage(err.code); }`,
      { eval: true, execArgv: workerExecArgv() },
    );
    const [answer] = await once(probe, 'message');
    await probe.terminate();
    expect(answer).to.equal('ERR_REQUIRE_ESM');
  });

  it("keeps the process's own options", () => {
    expect(workerExecArgv().slice(0, process.execArgv.length)).to.deep.equal(process.execArgv);
  });
});

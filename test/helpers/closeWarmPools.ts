/**
 * Run as a child process by ThumbnailPool's test: opens warm pools and closes
 * each while its threads are still starting, at delays from 0 to 130 ms, then
 * says how many it closed. A thread terminated mid-`require(esm)` aborts the
 * whole process, so only a child can watch for it.
 */
import { ThumbnailPool } from '../../src/workers/ThumbnailPool.js';

const DELAYS_MS = [0, 5, 10, 20, 30, 40, 60, 80, 100, 130];
const pools = Number(process.argv[2] ?? 60);
for (let i = 0; i < pools; i++) {
  const pool = new ThumbnailPool({ workers: 2, warm: true });
  await new Promise((resolve) => setTimeout(resolve, DELAYS_MS[i % DELAYS_MS.length]));
  await pool.close();
}
process.stdout.write(`closed ${pools} pools\n`);

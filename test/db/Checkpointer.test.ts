import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';

const MIB = 1024 * 1024;

describe('Checkpointer (through Database)', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let db: Database | null;
  let troubles: string[];

  const open = () => Database.open({ file, memoryLimit: '128MB', onCheckpointTrouble: (message) => troubles.push(message) });
  /** `count` values of `mib` MiB each, committed in one transaction, under keys `<prefix>-<i>`. */
  const commitStrings = (prefix: string, count: number, mib: number) =>
    db!.transaction(async (conn) => {
      for (let i = 0; i < count; i++) await conn.run('INSERT INTO meta VALUES (?, ?)', [`${prefix}-${i}`, prefix.charAt(0).repeat(mib * MIB)]);
    });
  const stored = async (like: string) =>
    (await db!.query(`SELECT count(*)::INTEGER AS n, coalesce(sum(length(value)), 0)::BIGINT AS chars FROM meta WHERE key LIKE ?`, [like]))[0]!;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'checkpointer-'));
    file = path.join(dir, 'coco-ingest.duckdb');
    troubles = [];
    db = await open();
  });
  afterEach(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("turns DuckDB's automatic checkpoint off, and checkpoints after a commit that took the log past 16 MiB", async () => {
    const [setting] = await db!.query(`SELECT current_setting('checkpoint_threshold') AS threshold`);
    // 1TB as DuckDB prints it: no COMMIT reaches it.
    expect(setting!.threshold).to.equal('931.3 GiB');
    await commitStrings('small', 1, 1);
    // 1 MiB in the log: below the threshold, so no checkpoint yet.
    expect(statSync(`${file}.wal`).size).to.be.at.least(MIB);
    await commitStrings('large', 2, 10);
    const wal = existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0;
    expect(wal).to.be.below(16 * MIB);
    expect(await stored('large-%')).to.deep.equal({ n: 2, chars: 20 * MIB });
    expect(troubles).to.deep.equal([]);
  });

  it('brings the database back when a checkpoint runs out of memory, with every commit kept and the next statements answered', async () => {
    // Three 10 MiB strings a commit: under a 128 MB memory_limit, DuckDB's checkpoint of them cannot pin its blocks and
    // invalidates the database (the service then answered 500 to everything until restarted).
    for (const prefix of ['a', 'b', 'c', 'd']) await commitStrings(prefix, 3, 10);
    expect(
      troubles.some((t) => /invalidated the database; it was attached again and checkpointed with memory_limit 2GB/.test(t)),
      troubles.join('\n'),
    ).to.equal(true);
    for (const prefix of ['a', 'b', 'c', 'd']) expect(await stored(`${prefix}-%`)).to.deep.equal({ n: 3, chars: 30 * MIB });
    await db!.write(`INSERT INTO meta VALUES ('after', 'x')`);
    expect(await stored('after')).to.deep.equal({ n: 1, chars: 1 });
    // The configured limit is back.
    expect((await db!.query(`SELECT current_setting('memory_limit') AS m`))[0]!.m).to.equal('122.0 MiB');
    await db!.close();
    db = await open();
    expect(await stored('_-%')).to.deep.equal({ n: 12, chars: 120 * MIB });
  });
});

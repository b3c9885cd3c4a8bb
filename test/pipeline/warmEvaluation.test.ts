import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';
import type { IouType } from '../../src/evaluation/evaluationTypes.js';
import type { ImageMatcher } from '../../src/pipeline/MatchDispatcher.js';
import { warmEvaluation } from '../../src/pipeline/warmEvaluation.js';
import type { MatchTask } from '../../src/workers/matchMessages.js';
import { ThumbnailPool } from '../../src/workers/ThumbnailPool.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('warmEvaluation', () => {
  let pool: ThumbnailPool;
  let dir: string;
  let db: Database;
  before(async () => {
    pool = new ThumbnailPool({ workers: 2 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'warm-evaluation-'));
    db = await Database.open({ file: path.join(dir, 'warm.duckdb') });
  });
  after(async () => {
    await pool.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The real pool, with each task's IoU type, images and answer noted. */
  function recording(): { matcher: ImageMatcher; seen: { iouType: IouType; images: number; ok: boolean }[] } {
    const seen: { iouType: IouType; images: number; ok: boolean }[] = [];
    const matcher: ImageMatcher = {
      async runMatches(task: MatchTask, options) {
        const result = await pool.runMatches(task, options);
        seen.push({ iouType: task.settings.iouType, images: task.batch.images.length / 5, ok: result.ok });
        return result;
      },
    };
    return { matcher, seen };
  }

  it('matches the synthetic images of each IoU type in the worker pool, every batch without an error', async () => {
    const { matcher, seen } = recording();
    await warmEvaluation({ matcher, db }, { signal: new AbortController().signal, images: 150 });
    for (const iouType of ['bbox', 'segm', 'keypoints'] as const) {
      const of = seen.filter((s) => s.iouType === iouType);
      // 150 images in batches of 64: 64, 64 and 22.
      expect(of.map((s) => s.images).sort((a, b) => b - a)).to.deep.equal([64, 64, 22]);
      expect(of.every((s) => s.ok)).to.equal(true);
    }
    // Its outcome rows were appended in a transaction that was rolled back.
    for (const table of ['evaluation_predictions', 'evaluation_ground_truths', 'evaluation_images']) {
      const [row] = await db.query(`SELECT count(*) AS n FROM ${table}`);
      expect(Number(row!.n), table).to.equal(0);
    }
  });

  it('stops with the signal’s reason when it is aborted, and sends nothing more', async () => {
    const { matcher, seen } = recording();
    const controller = new AbortController();
    controller.abort(new Error('service closing'));
    await expectRejection(warmEvaluation({ matcher, db }, { signal: controller.signal, images: 150 }), /service closing/);
    expect(seen).to.deep.equal([]);
  });
});

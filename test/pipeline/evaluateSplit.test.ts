import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';
import { DatasetRepository } from '../../src/db/DatasetRepository.js';
import { evaluateSplit } from '../../src/pipeline/evaluateSplit.js';
import type { StageProgress } from '../../src/progress/StageProgress.js';
import { ThumbnailPool } from '../../src/workers/ThumbnailPool.js';
import { datasetWithPredictions, reference } from '../helpers/evaluations.js';
import { expectRejection } from '../helpers/expectRejection.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

const OUTCOME_TABLES = ['evaluations', 'evaluation_predictions', 'evaluation_ground_truths', 'evaluation_images'];

describe('evaluateSplit', () => {
  let server: TestServer;
  let db: Database;
  let repo: DatasetRepository;
  let pool: ThumbnailPool;
  let datasetId: number;
  let splitJobId: string;

  before(async () => {
    // A dataset and a prediction set stored by the real service, whose database is then opened here.
    server = await startTestServer();
    datasetId = await datasetWithPredictions(server, 'instances_gt.json', { model: 'results_bbox.json' });
    await server.close();
    db = await Database.open({ file: path.join(server.dataDir, 'coco-ingest.duckdb') });
    repo = new DatasetRepository(db);
    splitJobId = (await repo.evaluations.splits(datasetId))[0]!.jobId;
    pool = new ThumbnailPool({ workers: 2 });
  });
  after(async () => {
    await pool.close();
    await db.close();
    await server.stop();
  });

  const rowsOf = async (name: string) =>
    Promise.all(
      OUTCOME_TABLES.map(async (table) => {
        const column = table === 'evaluations' ? 'name' : 'evaluation';
        const [row] = await db.query(`SELECT count(*) AS n FROM ${table} WHERE dataset_id = ? AND ${column} = ?`, [BigInt(datasetId), name]);
        return Number(row!.n);
      }),
    );
  const request = (name: string) => ({
    datasetId,
    jobId: `job-${name}`,
    name,
    predictions: 'model',
    iouType: 'bbox' as const,
    split: 'val',
    splitJobId,
    sigmas: null,
  });
  const noJobRows = { commitRows: () => async () => undefined };

  it('leaves nothing of an evaluation cancelled while its images are matched', async () => {
    await repo.evaluations.open({ datasetId, name: 'cut', jobId: 'job-cut', predictions: 'model', iouType: 'bbox', split: 'val', params: {} });
    const controller = new AbortController();
    // The first batch handed to the pool aborts the job: cancelled mid-matching, whatever the machine's speed.
    const matcher = {
      runMatches: (task: Parameters<ThumbnailPool['runMatches']>[0], options = {}) => {
        controller.abort();
        return pool.runMatches(task, options);
      },
    };
    const error = await expectRejection(
      evaluateSplit(request('cut'), { db, evaluations: repo.evaluations, matcher, workers: 2 }, noJobRows, {
        signal: controller.signal,
        onProgress: () => undefined,
      }),
    );
    expect(error.name).to.equal('AbortError');
    // Its row is still `running` (the job settles it failed); no outcome row was committed.
    expect(await rowsOf('cut')).to.deep.equal([1, 0, 0, 0]);
    await repo.evaluations.fail('job-cut', 'cancelled');
    expect((await repo.evaluations.list(datasetId)).find((e) => e.name === 'cut')).to.include({ status: 'failed', summary: null });
  });

  it("commits pycocotools' figures with one outcome row per prediction and ground truth, and reports each stage", async () => {
    await repo.evaluations.open({ datasetId, name: 'whole', jobId: 'job-whole', predictions: 'model', iouType: 'bbox', split: 'val', params: {} });
    const progress: StageProgress[] = [];
    const summary = await evaluateSplit(request('whole'), { db, evaluations: repo.evaluations, matcher: pool, workers: 2 }, noJobRows, {
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
    });
    const ref = await reference('bbox');
    summary.summary.forEach((v, i) => expect(v).to.be.closeTo(ref.stats[i]!, 1e-9));
    const [predictions] = await db.query(`SELECT count(*) AS n FROM predictions WHERE dataset_id = ? AND set_name = 'model'`, [BigInt(datasetId)]);
    const [gts] = await db.query('SELECT count(*) AS n FROM annotations WHERE dataset_id = ?', [BigInt(datasetId)]);
    // One evaluation row, an outcome per stored prediction and ground truth, and counters for the 7 images.
    expect(await rowsOf('whole')).to.deep.equal([1, Number(predictions!.n), Number(gts!.n), 7]);
    expect(progress.map((p) => p.stage).filter((s, i, all) => all.indexOf(s) === i)).to.deep.equal(['matching', 'accumulating']);
    expect(progress.filter((p) => p.done).map((p) => [p.stage, p.current, p.total])).to.deep.equal([
      ['matching', 7, 7],
      ['accumulating', 1, 1],
    ]);
  });

  it('stores the same outcomes read two images at a time (each chunk read while the one before is matched) as in one chunk', async () => {
    await repo.evaluations.open({ datasetId, name: 'pairs', jobId: 'job-pairs', predictions: 'model', iouType: 'bbox', split: 'val', params: {} });
    const summary = await evaluateSplit(request('pairs'), { db, evaluations: repo.evaluations, matcher: pool, workers: 2, chunkImages: 2 }, noJobRows, {
      signal: new AbortController().signal,
      onProgress: () => undefined,
    });
    const ref = await reference('bbox');
    summary.summary.forEach((v, i) => expect(v).to.be.closeTo(ref.stats[i]!, 1e-9));
    const outcomes = (name: string) =>
      db.query(
        `SELECT prediction_id, sample_id, category_id, score, outcome50, matched50, iou50, outcome75, matched75, iou75, confused_with, confused_iou
         FROM evaluation_predictions WHERE evaluation = ? ORDER BY prediction_id`,
        [name],
      );
    const truths = (name: string) =>
      db.query(
        `SELECT annotation_id, sample_id, category_id, outcome50, matched50, iou50, outcome75, matched75, iou75
         FROM evaluation_ground_truths WHERE evaluation = ? ORDER BY annotation_id`,
        [name],
      );
    const images = (name: string) => db.query('SELECT sample_id, tp, fp, fn, errors FROM evaluation_images WHERE evaluation = ? ORDER BY sample_id', [name]);
    expect(await outcomes('pairs')).to.deep.equal(await outcomes('whole'));
    expect(await truths('pairs')).to.deep.equal(await truths('whole'));
    expect(await images('pairs')).to.deep.equal(await images('whole'));
  });

  it("removes a dataset's evaluations and their outcomes with it", async () => {
    await repo.deleteDataset(datasetId);
    expect(await rowsOf('whole')).to.deep.equal([0, 0, 0, 0]);
    expect(await rowsOf('pairs')).to.deep.equal([0, 0, 0, 0]);
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { datasetWithPredictions, EVALUATION_DIR, reference } from '../helpers/evaluations.js';
import { run } from '../helpers/runCli.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

describe('coco-ingest evaluate', function () {
  this.timeout(60_000);
  let server: TestServer;
  let datasetId: number;
  let faces: number;

  before(async () => {
    server = await startTestServer();
    datasetId = await datasetWithPredictions(server, 'instances_gt.json', { model: 'results_bbox.json' });
    faces = await datasetWithPredictions(server, 'face_keypoints_gt.json', { faces: 'results_face_keypoints.json' });
  });
  after(async () => {
    await server?.stop();
  });

  it("shows the matching's progress, then pycocotools' own twelve summary lines and a per-category table", async () => {
    const { code, stdout, stderr } = await run(['evaluate', String(datasetId), '--predictions', 'model', '--iou-type', 'bbox', '--server', server.url]);
    expect(code, stderr).to.equal(0);
    const ref = await reference('bbox');
    expect(stdout).to.match(/^\d+%, .*matching/m);
    // The lines pycocotools' summarize() printed, character for character.
    const lines = stdout.split('\n');
    const first = lines.indexOf(ref.lines[0]!);
    expect(first, stdout).to.be.greaterThan(-1);
    expect(lines.slice(first, first + 12)).to.deep.equal(ref.lines);
    const header = lines.findIndex((l) => /^category\s+AP\s+AP50\s+AP75\s+AR100\s+gt\s+predictions\s+tp\s+fp\s+fn$/.test(l));
    expect(header, stdout).to.be.greaterThan(first);
    const names = ['person', 'car', 'dog', 'cat', 'bird'];
    const results = JSON.parse(await readFile(path.join(EVALUATION_DIR, 'results_bbox.json'), 'utf8')) as { category_id: number }[];
    const gts = (
      JSON.parse(await readFile(path.join(EVALUATION_DIR, 'instances_gt.json'), 'utf8')) as { annotations: { category_id: number; iscrowd: number }[] }
    ).annotations;
    ref.perCategory.forEach((c, k) => {
      const row = lines[header + 1 + k]!.split(/\s+/);
      expect(row[0]).to.equal(names[k]);
      expect(row.slice(1, 5)).to.deep.equal([c.AP, c.AP50, c.AP75, c.AR100].map((v) => v.toFixed(3)));
      // Counts at IoU 0.5 from pycocotools' evalImgs of the category; the ground truths (crowds aside) and predictions are
      // the files' of the category.
      const entries = ref.evalImgs.filter((e) => e.categoryId === c.categoryId);
      const tp = entries.reduce((n, e) => n + e.dtIds.filter((_, i) => !e.dtIgnore[0]![i] && e.dtMatches[0]![i]).length, 0);
      const fp = entries.reduce((n, e) => n + e.dtIds.filter((_, i) => !e.dtIgnore[0]![i] && !e.dtMatches[0]![i]).length, 0);
      const fn = entries.reduce((n, e) => n + e.gtIds.filter((_, i) => !e.gtIgnore[i] && !e.gtMatches[0]![i]).length, 0);
      const predictions = results.filter((r) => r.category_id === c.categoryId).length;
      const gt = gts.filter((g) => g.category_id === c.categoryId && !g.iscrowd).length;
      expect(row.slice(5).map(Number), names[k]).to.deep.equal([gt, predictions, tp, fp, fn]);
    });
  });

  it("scores keypoints with the sigmas given in --sigmas, printing pycocotools' ten keypoints lines and the category's counts", async () => {
    const ref = await reference('face_keypoints');
    const { code, stdout, stderr } = await run([
      'evaluate',
      String(faces),
      '--predictions',
      'faces',
      '--iou-type',
      'keypoints',
      '--sigmas',
      ref.sigmas!.join(','),
      '--server',
      server.url,
    ]);
    expect(code, stderr).to.equal(0);
    const lines = stdout.split('\n');
    const first = lines.indexOf(ref.lines[0]!);
    expect(first, stdout).to.be.greaterThan(-1);
    expect(lines.slice(first, first + 10)).to.deep.equal(ref.lines);
    const header = lines.findIndex((l) => /^category\s+AP\s+AP50/.test(l));
    // The counts at OKS 0.5 as pycocotools' evalImgs say (threshold 0); the ground truths are the found and the missed,
    // and a prediction matched to the ignored face without keypoints counts as neither tp nor fp.
    const row = lines[header + 1]!.split(/\s+/);
    const [theirs] = ref.perCategory;
    expect(row.slice(0, 5)).to.deep.equal(['face', ...[theirs!.AP, theirs!.AP50, theirs!.AP75, theirs!.AR100].map((v) => v.toFixed(3))]);
    const dts = ref.evalImgs.flatMap((e) => e.dtIds.map((_, i) => ({ ignored: e.dtIgnore[0]![i], matched: e.dtMatches[0]![i] !== 0 })));
    const tp = dts.filter((d) => !d.ignored && d.matched).length;
    const fp = dts.filter((d) => !d.ignored && !d.matched).length;
    const fn = ref.evalImgs.reduce((n, e) => n + e.gtIds.filter((_, i) => !e.gtIgnore[i] && !e.gtMatches[0]![i]).length, 0);
    expect(row.slice(5).map(Number)).to.deep.equal([tp + fn, dts.length, tp, fp, fn]);
  });

  it('refuses --sigmas that are not positive numbers, before asking the service (none listens here)', async () => {
    const { code, stderr } = await run([
      'evaluate',
      '1',
      '--predictions',
      'faces',
      '--iou-type',
      'keypoints',
      '--sigmas',
      '0.1,x',
      '--server',
      'http://127.0.0.1:1',
    ]);
    expect(code).to.equal(1);
    expect(stderr).to.match(/--sigmas.*must be positive numbers separated by commas/);
  });

  it('says why in one line and exits 1 when the service refuses', async () => {
    const { code, stderr } = await run(['evaluate', String(datasetId), '--predictions', 'nothing', '--iou-type', 'bbox', '--server', server.url]);
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.match(/prediction set "nothing" not found/);
  });
});

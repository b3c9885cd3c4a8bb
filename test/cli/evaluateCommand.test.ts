import { expect } from 'chai';
import { datasetWithPredictions, reference } from '../helpers/evaluations.js';
import { run } from '../helpers/runCli.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

describe('coco-ingest evaluate', function () {
  this.timeout(60_000);
  let server: TestServer;
  let datasetId: number;

  before(async () => {
    server = await startTestServer();
    datasetId = await datasetWithPredictions(server, 'instances_gt.json', { model: 'results_bbox.json' });
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
    ref.perCategory.forEach((c, k) => {
      const row = lines[header + 1 + k]!.split(/\s+/);
      expect(row[0]).to.equal(names[k]);
      expect(row.slice(1, 5)).to.deep.equal([c.AP, c.AP50, c.AP75, c.AR100].map((v) => v.toFixed(3)));
    });
  });

  it('says why in one line and exits 1 when the service refuses', async () => {
    const { code, stderr } = await run(['evaluate', String(datasetId), '--predictions', 'nothing', '--iou-type', 'bbox', '--server', server.url]);
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.match(/prediction set "nothing" not found/);
  });
});

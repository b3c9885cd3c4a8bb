import { expect } from 'chai';
import { datasetWithPredictions, evaluate, reference } from '../helpers/evaluations.js';
import { getJson } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

const FIXTURES = {
  bbox: { gt: 'instances_gt.json', results: 'results_bbox.json' },
  segm: { gt: 'instances_gt.json', results: 'results_segm.json' },
  keypoints: { gt: 'person_keypoints_gt.json', results: 'results_keypoints.json' },
} as const;

describe('COCO evaluation over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  for (const iouType of ['bbox', 'segm', 'keypoints'] as const) {
    it(`gives pycocotools' summary and per-category figures for ${iouType} to 1e-9`, async () => {
      const { gt, results } = FIXTURES[iouType];
      const datasetId = await datasetWithPredictions(server, gt, { model: results });
      const expected = await reference(iouType);
      const { terminal } = await evaluate(server, datasetId, { predictions: 'model', iou_type: iouType });
      expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
      expect(terminal.data.evaluation).to.equal(`model-${iouType}`);
      expectClose(terminal.data.summary as number[], expected.stats);
      const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/model-${iouType}`);
      expect(status).to.equal(200);
      expectClose(body.summary, expected.stats);
      expect(body.per_category.map((c: { category_id: number }) => c.category_id)).to.deep.equal(expected.catIds);
      for (const [k, mine] of (body.per_category as Record<string, number>[]).entries()) {
        const theirs = expected.perCategory[k]!;
        expectClose([mine.AP!, mine.AP50!, mine.AP75!, mine.AR100!], [theirs.AP, theirs.AP50, theirs.AP75, theirs.AR100]);
      }
    });
  }
});

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).to.have.length(expected.length);
  actual.forEach((value, i) => expect(value, `[${i}]`).to.be.closeTo(expected[i]!, 1e-9));
}

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { datasetWithPredictions, EVALUATION_DIR, evaluate, reference } from '../helpers/evaluations.js';
import { postPredictions } from '../helpers/ingest.js';
import { getJson, readEventStream, terminalOf } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

const FIXTURES = {
  bbox: { gt: 'instances_gt.json', results: 'results_bbox.json' },
  segm: { gt: 'instances_gt.json', results: 'results_segm.json' },
  keypoints: { gt: 'person_keypoints_gt.json', results: 'results_keypoints.json' },
} as const;

/** `stats`' names, in pycocotools' `stats` order (its summary lines: AP at IoU .50:.95, .50, .75, by area, then AR). */
const STAT_NAMES = {
  bbox: ['AP', 'AP50', 'AP75', 'AP_small', 'AP_medium', 'AP_large', 'AR1', 'AR10', 'AR100', 'AR_small', 'AR_medium', 'AR_large'],
  keypoints: ['AP', 'AP50', 'AP75', 'AP_medium', 'AP_large', 'AR', 'AR50', 'AR75', 'AR_medium', 'AR_large'],
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
      const names = STAT_NAMES[iouType === 'keypoints' ? 'keypoints' : 'bbox'];
      expect(Object.keys(body.stats)).to.deep.equal(names);
      expectClose(
        names.map((name) => body.stats[name]),
        expected.stats,
      );
      expect(body.per_category.map((c: { category_id: number }) => c.category_id)).to.deep.equal(expected.catIds);
      for (const [k, mine] of (body.per_category as Record<string, number>[]).entries()) {
        const theirs = expected.perCategory[k]!;
        expectClose([mine.AP!, mine.AP50!, mine.AP75!, mine.AR100!], [theirs.AP, theirs.AP50, theirs.AP75, theirs.AR100]);
      }
    });
  }

  it("answers with the job's event stream when asked: matching progress of every image, accumulation, then the complete event", async () => {
    const datasetId = await datasetWithPredictions(server, 'instances_gt.json', { streamed: 'results_bbox.json' });
    const response = await fetch(`${server.url}/datasets/${datasetId}/evaluations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ predictions: 'streamed', iou_type: 'bbox', name: 'streamed' }),
    });
    expect(response.status).to.equal(200);
    const events = await readEventStream(response);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    const matching = progress.filter((p) => p.stage === 'matching');
    // The fixture's split has 7 images, every one matched whether it has annotations or not.
    expect(matching.at(-1)).to.include({ current: 7, total: 7, done: true });
    expect(progress.findIndex((p) => p.stage === 'accumulating')).to.be.greaterThan(progress.indexOf(matching.at(-1)!));
    const terminal = terminalOf(events)!;
    expect(terminal.event).to.equal('complete');
    expect(terminal.data).to.include({ evaluation: 'streamed', predictions: 'streamed', iou_type: 'bbox', split: 'val', image_count: 7 });
    expectClose(terminal.data.summary as number[], (await reference('bbox')).stats);
    const job = await getJson(`${server.url}/jobs/${String(terminal.data.job_id)}`);
    expect(job.body).to.include({ kind: 'evaluation', status: 'complete', evaluation: 'streamed' });
  });

  it("scores a category of 5 keypoints with the request's own sigmas as pycocotools does with them, and refuses it without them", async () => {
    const datasetId = await datasetWithPredictions(server, 'face_keypoints_gt.json', { faces: 'results_face_keypoints.json' });
    const expected = await reference('face_keypoints');
    const refused = await evaluate(server, datasetId, { predictions: 'faces', iou_type: 'keypoints' });
    expect(refused.terminal.event).to.equal('failed');
    expect(refused.terminal.data.code).to.equal('EVALUATION_SIGMAS_MISMATCH');
    expect(refused.terminal.data.message).to.match(/category 7 \("face"\) has 5 keypoints and the evaluation 17 OKS sigmas \(COCO's\)/);
    const { terminal } = await evaluate(server, datasetId, { predictions: 'faces', iou_type: 'keypoints', sigmas: expected.sigmas, name: 'faces' });
    expect(terminal.event, JSON.stringify(terminal.data)).to.equal('complete');
    expectClose(terminal.data.summary as number[], expected.stats);
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/faces`);
    const [face] = body.per_category as Record<string, number>[];
    const [theirs] = expected.perCategory;
    expectClose([face!.AP!, face!.AP50!, face!.AP75!, face!.AR100!], [theirs!.AP, theirs!.AP50, theirs!.AP75, theirs!.AR100]);
  });

  it('fails a keypoints evaluation whose sigmas do not fit the categories, saying so, and keeps nothing but the failure', async () => {
    const datasetId = await datasetWithPredictions(server, 'person_keypoints_gt.json', { poses: 'results_keypoints.json' });
    const { terminal } = await evaluate(server, datasetId, { predictions: 'poses', iou_type: 'keypoints', sigmas: [0.1, 0.2, 0.3] });
    expect(terminal.event).to.equal('failed');
    expect(terminal.data.code).to.equal('EVALUATION_SIGMAS_MISMATCH');
    expect(terminal.data.message).to.match(/person.* 17 keypoints .* 3 OKS sigmas/);
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations/poses-keypoints`);
    expect(body).to.include({ status: 'failed', summary: null });
    expect(body.confusion).to.equal(null);
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&evaluation=poses-keypoints`)).status).to.equal(404);
    // A failed evaluation's name can be used again.
    const retried = await evaluate(server, datasetId, { predictions: 'poses', iou_type: 'keypoints' });
    expect(retried.terminal.event).to.equal('complete');
    expectClose(retried.terminal.data.summary as number[], (await reference('keypoints')).stats);
  });

  it('fails a segm evaluation whose crowd RLE falls short of its size (COCOeval would loop for ever on it), naming the annotation', async () => {
    const gt = JSON.parse(await readFile(path.join(EVALUATION_DIR, 'instances_gt.json'), 'utf8')) as { annotations: Record<string, any>[] };
    const crowd = gt.annotations.find((a) => a.id === 900100000001)!;
    crowd.segmentation.counts = crowd.segmentation.counts.slice(0, -1);
    await writeFile(path.join(server.scratch, 'short_rle_gt.json'), JSON.stringify(gt));
    const datasetId = await datasetWithPredictions(server, path.join(server.scratch, 'short_rle_gt.json'), { masks: 'results_segm.json' });
    const { terminal } = await evaluate(server, datasetId, { predictions: 'masks', iou_type: 'segm' });
    expect(terminal.event).to.equal('failed');
    expect(terminal.data.code).to.equal('EVALUATION_INVALID');
    expect(terminal.data.message).to.match(/ground truth 900100000001 .*counts add up to \d+ pixels, not the 307200 of its size \[480, 640\]/);
  });

  it('refuses a set of captions, which COCOeval does not score', async () => {
    const datasetId = await datasetWithPredictions(server, 'instances_gt.json', {});
    const captions = `${server.scratch}/captions.json`;
    await writeFile(captions, JSON.stringify([{ image_id: 1, caption: 'a dog' }]));
    expect((await postPredictions(server, datasetId, { annotation_path: captions, name: 'said' })).event).to.equal('complete');
    const { terminal } = await evaluate(server, datasetId, { predictions: 'said', iou_type: 'bbox' });
    expect(terminal.data.code).to.equal('EVALUATION_UNSUITABLE');
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/evaluations`);
    expect(body.items.map((e: { name: string; status: string }) => [e.name, e.status])).to.deep.equal([['said-bbox', 'failed']]);
  });

  it('refuses to score boxes alone as keypoints, before matching anything', async () => {
    const datasetId = await datasetWithPredictions(server, 'instances_gt.json', { boxes: 'results_bbox.json' });
    const { terminal } = await evaluate(server, datasetId, { predictions: 'boxes', iou_type: 'keypoints' });
    expect(terminal.data.code).to.equal('EVALUATION_UNSUITABLE');
    expect(terminal.data.message).to.contain('keypoints');
  });

  it('counts evaluations by iou_type and status, with their durations, in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const sample = (series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    // Every complete evaluation this suite ran: one per iou type, the streamed one, the faces, the retried keypoints one.
    expect(sample('coco_ingest_evaluations_total{iou_type="bbox",status="complete"}')).to.equal(2);
    expect(sample('coco_ingest_evaluations_total{iou_type="segm",status="complete"}')).to.equal(1);
    expect(sample('coco_ingest_evaluations_total{iou_type="keypoints",status="complete"}')).to.equal(3);
    // The faces without their sigmas, the sigmas that did not fit, and the boxes offered as keypoints.
    expect(sample('coco_ingest_evaluations_total{iou_type="keypoints",status="failed"}')).to.equal(3);
    expect(sample('coco_ingest_evaluations_total{iou_type="bbox",status="failed"}')).to.equal(1);
    expect(sample('coco_ingest_evaluation_duration_seconds_count{iou_type="segm",status="complete"}')).to.equal(1);
  });
});

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).to.have.length(expected.length);
  actual.forEach((value, i) => expect(value, `[${i}]`).to.be.closeTo(expected[i]!, 1e-9));
}

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { postEvaluation } from '../helpers/evaluations.js';
import { ingest, postPredictions } from '../helpers/ingest.js';
import { followJob, getJson, readEventStream, terminalOf } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/startTestServer.js';

/** Images of the generated split: enough that matching is still running when the cancel arrives, which it does on the first progress event (they come at most every 200 ms). */
const IMAGES = 30_000;

/** A split of `IMAGES` images with three boxes each, and a result per box, shifted 15 pixels right. */
async function writeFiles(dir: string): Promise<{ gt: string; results: string }> {
  const images = [];
  const annotations = [];
  const results = [];
  for (let i = 1; i <= IMAGES; i++) {
    images.push({ id: i, file_name: `${i}.jpg`, width: 640, height: 480 });
    for (let k = 0; k < 3; k++) {
      const bbox = [20 + 150 * k, 40, 100, 80];
      annotations.push({ id: i * 10 + k, image_id: i, category_id: 1 + k, bbox, area: 8000, iscrowd: 0 });
      results.push({ image_id: i, category_id: 1 + k, bbox: [bbox[0]! + 15, 40, 100, 80], score: 0.5 + k / 10 });
    }
  }
  const categories = [1, 2, 3].map((id) => ({ id, name: `class ${id}` }));
  const gt = path.join(dir, 'cancel_gt.json');
  const resultsFile = path.join(dir, 'cancel_results.json');
  await writeFile(gt, JSON.stringify({ images, annotations, categories }));
  await writeFile(resultsFile, JSON.stringify(results));
  return { gt, results: resultsFile };
}

describe('cancelling an evaluation over HTTP', function () {
  this.timeout(120_000);
  let server: TestServer;
  let datasetId: number;

  before(async () => {
    server = await startTestServer();
    const files = await writeFiles(server.scratch);
    const done = await ingest(server, { annotation_path: files.gt, thumbnails: 'none', split: 'val' });
    expect(done.event, JSON.stringify(done)).to.equal('complete');
    datasetId = Number(done.dataset_id);
    const loaded = await postPredictions(server, datasetId, { annotation_path: files.results, name: 'shifted' });
    expect(loaded.event, JSON.stringify(loaded)).to.equal('complete');
  });
  after(async () => {
    await server.stop();
  });

  it('stops a running evaluation on DELETE /jobs/{id}: it ends cancelled, keeps no figures and no outcome rows, and its name can be used again', async () => {
    const posted = await postEvaluation(server, datasetId, { predictions: 'shifted', iou_type: 'bbox', name: 'shifted' });
    expect(posted.status).to.equal(202);
    const jobId = String(posted.body.job_id);
    // Cancelled once the first batches are matched: the job is running, its rows are being appended.
    const stream = await fetch(`${server.url}/jobs/${jobId}/events`, { headers: { accept: 'text/event-stream' } });
    let cancel: Promise<{ status: number; body: Record<string, any> } | Error> | undefined;
    let sentAt = '';
    const events = await readEventStream(stream, (e) => {
      const { current, total } = e.data as { current?: number; total?: number };
      if (cancel === undefined && e.event === 'progress' && e.data.stage === 'matching' && Number(current) > 0 && Number(current) < Number(total)) {
        sentAt = `${current} of ${total} images matched`;
        // Kept settled: a failed DELETE is reported below, not as an unhandled rejection while the stream goes on.
        cancel = getJson(`${server.url}/jobs/${jobId}`, { method: 'DELETE' }).catch((err: Error) => err);
      }
    });
    expect(cancel, 'a matching progress event part way through').to.not.equal(undefined);
    const answer = await cancel!;
    if (answer instanceof Error) throw answer;
    expect(answer.status, `DELETE sent at ${sentAt}: ${JSON.stringify(answer.body)}`).to.equal(200);
    expect(answer.body.status).to.equal('cancelled');
    expect(terminalOf(events)!.event).to.equal('cancelled');
    const matched = events.filter((e) => e.event === 'progress' && e.data.stage === 'matching').map((e) => Number(e.data.current));
    expect(Math.max(...matched)).to.be.lessThan(IMAGES);

    const stored = await getJson(`${server.url}/datasets/${datasetId}/evaluations/shifted`);
    expect(stored.body).to.include({ status: 'failed', summary: null });
    expect((await getJson(`${server.url}/samples?dataset_id=${datasetId}&evaluation=shifted`)).status).to.equal(404);
    for (const table of ['evaluation_predictions', 'evaluation_ground_truths']) {
      const [row] = await server.service.db.query(`SELECT count(*) AS n FROM ${table}`);
      expect(Number(row!.n), table).to.equal(0);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).to.include('coco_ingest_evaluations_total{iou_type="bbox",status="cancelled"} 1\n');

    const again = await postEvaluation(server, datasetId, { predictions: 'shifted', iou_type: 'bbox', name: 'shifted' });
    expect(again.status, JSON.stringify(again.body)).to.equal(202);
    const terminal = terminalOf(await followJob(server.url, String(again.body.job_id)))!;
    expect(terminal.event).to.equal('complete');
    // Every box found by its result at IoU 85 x 80 / (2 x 8000 - 85 x 80) = 0.739: AP50 1, AP75 0.
    expect((terminal.data.summary as number[]).slice(1, 3)).to.deep.equal([1, 0]);
  });
});

import path from 'node:path';
import { expect } from 'chai';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const file = (name: string) => path.join(SAMPLE_DIR, 'annotations', name);
const VAL_IMAGES = path.join(SAMPLE_DIR, 'images/val');

describe('the job scheduler with MAX_CONCURRENT_JOBS=2', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ MAX_CONCURRENT_JOBS: '2' });
  });
  after(async () => {
    await server.stop();
  });

  it("runs two datasets' ingests at once, each committing its own rows", async () => {
    const a = await postIngest(server.url, { annotation_path: file('instances_val.json'), image_dir: VAL_IMAGES });
    const b = await postIngest(server.url, { annotation_path: file('person_keypoints_val.json'), image_dir: VAL_IMAGES });
    expect([a.status, b.status]).to.deep.equal(['running', 'running']);
    const [endA, endB] = await Promise.all([followJob(server.url, a.job_id), followJob(server.url, b.job_id)]);
    for (const [end, name, job] of [
      [endA, 'instances_val.json', a],
      [endB, 'person_keypoints_val.json', b],
    ] as const) {
      const counts = cocoCounts(file(name));
      expect(terminalOf(end)!.data).to.include({ image_count: counts.images, annotation_count: counts.annotations });
      const dataset = await getJson(`${server.url}/datasets/${job.dataset_id}`);
      expect(dataset.body).to.include({ status: 'ready', image_count: counts.images, annotation_count: counts.annotations });
    }
  });

  it('never runs two ingests of one dataset at once: the second waits, queued', async () => {
    const first = await postIngest(server.url, { annotation_path: file('instances_val.json'), image_dir: VAL_IMAGES, dataset_name: 'one' });
    const second = await postIngest(server.url, {
      annotation_path: file('instances_train.json'),
      image_dir: path.join(SAMPLE_DIR, 'images/train'),
      dataset_id: first.dataset_id,
    });
    expect(first.status).to.equal('running');
    expect(second.status).to.equal('queued');
    expect(terminalOf(await followJob(server.url, second.job_id))!.event).to.equal('complete');
    const dataset = await getJson(`${server.url}/datasets/${first.dataset_id}`);
    expect(dataset.body.split_names).to.deep.equal(['train', 'val']);
  });
});

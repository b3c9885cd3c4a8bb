import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { cocoCounts } from '../helpers/cocoCounts.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { REPO_ROOT, SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

const THROWING_PLUGIN = `
export default {
  name: 'throws',
  batches: 0,
  onSamplesIngested() { this.batches++; throw new Error('batch hook broke'); },
  async onIngestComplete() { throw new Error('complete hook broke'); },
};
`;

describe('plugin hooks during an ingest', function () {
  this.timeout(30_000);
  let server: TestServer;
  let dir: string;

  before(async () => {
    // A plugin folder outside the repo: the example plugin plus one whose hooks throw.
    dir = await mkdtemp(path.join(os.tmpdir(), 'plugin-dir-'));
    await writeFile(path.join(dir, 'throws.mjs'), THROWING_PLUGIN);
    await copyFile(path.join(REPO_ROOT, 'plugins/category-stats.js'), path.join(dir, 'category-stats.mjs'));
    server = await startTestServer({ PLUGIN_DIR: dir });
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a hook that throws as a warning and still completes the ingest with the right counts', async () => {
    const file = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
    const counts = cocoCounts(file);
    const job = await postIngest(server.url, { annotation_path: file, image_dir: path.join(SAMPLE_DIR, 'images/val'), thumbnails: 'none' });
    const events = await followJob(server.url, job.job_id);
    const warnings = events.filter((e) => e.event === 'warning');
    expect(warnings.map((w) => w.data.message)).to.include.members([
      'plugin throws onSamplesIngested threw: batch hook broke',
      'plugin throws onIngestComplete threw: complete hook broke',
    ]);
    for (const w of warnings) expect(w.data).to.include({ stage: 'plugins', code: 'PLUGIN_HOOK_FAILED' });
    const end = terminalOf(events)!;
    expect(end.event).to.equal('complete');
    expect(end.data).to.include({ image_count: counts.images, annotation_count: counts.annotations });
    const dataset = await getJson(`${server.url}/datasets/${job.dataset_id}`);
    expect(dataset.body).to.include({ status: 'ready', image_count: counts.images, annotation_count: counts.annotations });
    // The other plugin's hooks ran in full despite the throwing one.
    expect(dataset.body.plugins['category-stats'].splits.val).to.be.an('object');
  });
});

import path from 'node:path';
import { expect } from 'chai';
import { makeDataset } from '../helpers/makeDataset.js';
import { run } from '../helpers/runCli.js';
import { followJob, getJson, postIngest, terminalOf } from '../helpers/sse.js';
import { SAMPLE_DIR, useTestServer } from '../helpers/startTestServer.js';

describe('coco-ingest jobs, watch and delete', function () {
  this.timeout(60_000);
  const server = useTestServer();
  const annotations = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
  const images = path.join(SAMPLE_DIR, 'images/val');

  it('lists the recent jobs with their kind, status, dataset and what they worked on', async () => {
    const job = await postIngest(server.url, { annotation_path: annotations, image_dir: images, thumbnails: 'none', dataset_name: 'listed' });
    await followJob(server.url, job.job_id);
    const { code, stdout } = await run(['jobs', '--server', server.url, '--limit', '5']);
    expect(code).to.equal(0);
    expect(stdout.split('\n')[0]).to.equal(`${job.job_id}\tingest\tcomplete\tdataset ${job.dataset_id}\tval`);
  });

  it('watches a job it did not start to its end, and prints its summary', async () => {
    const big = await makeDataset(path.join(server.scratch, 'watched'), 300);
    const job = await postIngest(server.url, { annotation_path: big.annotationPath, image_dir: big.imageDir, dataset_name: 'watched' });
    const { code, stdout } = await run(['watch', job.job_id, '--server', server.url]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/images 300, annotations 600, categories \d+/);
  });

  it('stops watching on Ctrl-C with 130, and leaves the job running to its end', async () => {
    const big = await makeDataset(path.join(server.scratch, 'left-alone'), 1500);
    const job = await postIngest(server.url, { annotation_path: big.annotationPath, image_dir: big.imageDir, dataset_name: 'left alone' });
    let interrupted = false;
    const watched = await run(['watch', job.job_id, '--server', server.url], (text, child) => {
      if (!interrupted && /thumbnails \d+/.test(text)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(watched.code).to.equal(130);
    expect(watched.stderr).to.include(`job ${job.job_id} goes on; no longer watched`);
    expect(terminalOf(await followJob(server.url, job.job_id))!.event).to.equal('complete');
  });

  it('deletes a dataset, and says why not for one that is not there', async () => {
    const job = await postIngest(server.url, { annotation_path: annotations, image_dir: images, thumbnails: 'none', dataset_name: 'deleted' });
    await followJob(server.url, job.job_id);
    const deleted = await run(['delete', String(job.dataset_id), '--server', server.url]);
    expect(deleted.code).to.equal(0);
    expect(deleted.stdout).to.equal(`deleted dataset ${job.dataset_id}\n`);
    expect((await getJson(`${server.url}/datasets/${job.dataset_id}`)).status).to.equal(404);
    const again = await run(['delete', String(job.dataset_id), '--server', server.url]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/coco-ingest: .*dataset .*not found/i);
  });
});

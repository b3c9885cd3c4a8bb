import path from 'node:path';
import { expect } from 'chai';
import { LoopbackFileServer } from '../helpers/LoopbackFileServer.js';
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

  /** One line on stderr, saying `what`, and no stack trace. */
  const oneLine = (stderr: string, what: RegExp) => {
    expect(stderr).to.match(/^coco-ingest: [^\n]+\n$/);
    expect(stderr).to.match(what);
  };

  it('exits 1 with one line and no stack for a bad option value, a missing argument or an unknown command', async () => {
    const cases: [string[], RegExp][] = [
      [['jobs', '--limit', 'abc'], /--limit <n>.* 'abc' is invalid\. must be a positive integer \(see --help\)/],
      [['delete', '0'], /'0' is invalid for argument 'dataset'\. must be a positive integer/],
      [['datasets', '--server', 'ftp://example.com'], /--server <url>.* 'ftp:\/\/example\.com' is invalid\. must be an http\(s\):\/\/ URL/],
      [['upload'], /missing required argument 'archive'/],
      [['bogus'], /unknown command 'bogus'/],
    ];
    for (const [argv, what] of cases) {
      const { code, stdout, stderr } = await run(argv);
      expect(code, argv.join(' ')).to.equal(1);
      expect(stdout, argv.join(' ')).to.equal('');
      oneLine(stderr, what);
    }
  });

  it("exits 1 with one line for an unreachable service, an error status with no body of the service's, and an answer that is not its JSON", async () => {
    const web = await LoopbackFileServer.start(SAMPLE_DIR);
    try {
      web.fault((r) => (r.path.startsWith('/proxy/') ? { status: 502 } : null));
      const unreachable = await run(['jobs', '--server', 'http://127.0.0.1:1']);
      expect(unreachable.code).to.equal(1);
      oneLine(unreachable.stderr, /cannot reach the service at http:\/\/127\.0\.0\.1:1/);
      const proxied = await run(['datasets', '--server', `${web.url}/proxy`]);
      expect(proxied.code).to.equal(1);
      oneLine(proxied.stderr, /the service answered 502 Bad Gateway/);
      // A file server's answer where the service's JSON was expected: --server names the wrong thing.
      const photo = await run(['datasets', '--server', `${web.url}/images/val/000000000139.jpg?`]);
      expect(photo.code).to.equal(1);
      oneLine(photo.stderr, /answered 200 OK with something that is not the service's JSON: is --server right\?/);
    } finally {
      await web.stop();
    }
  });

  it('ends quietly, exit 0, when the reader of an export closes the pipe early', async () => {
    const big = await makeDataset(path.join(server.scratch, 'piped'), 1500);
    const job = await postIngest(server.url, { annotation_path: big.annotationPath, image_dir: big.imageDir, thumbnails: 'none', dataset_name: 'piped' });
    expect(terminalOf(await followJob(server.url, job.job_id))!.event).to.equal('complete');
    let closed = false;
    const { code, stderr } = await run(['export', String(job.dataset_id), '--server', server.url], (_text, child) => {
      if (closed) return;
      closed = true;
      child.stdout!.destroy();
    });
    expect(closed).to.equal(true);
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
  });
});

import path from 'node:path';
import { expect } from 'chai';
import { ingest } from '../helpers/ingest.js';
import { writeLeakyDataset } from '../helpers/leakyDataset.js';
import { run } from '../helpers/runCli.js';
import { useTestServer } from '../helpers/startTestServer.js';

describe('coco-ingest check', function () {
  this.timeout(60_000);
  const server = useTestServer();
  let files: Awaited<ReturnType<typeof writeLeakyDataset>>;

  before(async () => {
    files = await writeLeakyDataset(path.join(server.scratch, 'leaky'));
  });

  it('prints the leaks and the checks of a dataset whose val photos are in train, and exits 1', async () => {
    const val = await ingest(server, { annotation_path: files.annotations.val, image_dir: files.images.val, split: 'val', dataset_name: 'leaky' });
    await ingest(server, { annotation_path: files.annotations.train, image_dir: files.images.train, split: 'train', dataset_id: val.dataset_id });
    const { code, stdout, stderr } = await run(['check', String(val.dataset_id), '--server', server.url, '--max-distance', '10']);
    expect(stderr).to.equal('');
    expect(code).to.equal(1);
    const lines = stdout.split('\n');
    expect(lines[0]).to.equal(`dataset ${val.dataset_id}: 5 leak(s), 1 other duplicate group(s) at max_distance 10 (14 images hashed, 0 without hashes)`);
    expect(lines.filter((l) => l.startsWith('  leak, '))).to.have.length(5);
    expect(stdout).to.match(/ {2}leak, exact: (val\/v1\.jpg \(0\), train\/t1\.jpg \(0\)|train\/t1\.jpg \(0\), val\/v1\.jpg \(0\))/);
    expect(stdout).to.include('checks:\n');
    expect(stdout).to.match(/\n {2}box_outside_image\t0 annotations\n/);
  });

  it('exits 0 for a dataset without leaks', async () => {
    const clean = await ingest(server, { annotation_path: files.annotations.val, image_dir: files.images.val, split: 'val', dataset_name: 'clean' });
    const { code, stdout } = await run(['check', String(clean.dataset_id), '--server', server.url]);
    expect(code).to.equal(0);
    expect(stdout.split('\n')[0]).to.equal(
      `dataset ${clean.dataset_id}: 0 leak(s), 0 other duplicate group(s) at max_distance 3 (6 images hashed, 0 without hashes)`,
    );
  });

  it('says how to get the hashes of a dataset ingested without thumbnails, and exits 1', async () => {
    const plain = await ingest(server, {
      annotation_path: files.annotations.val,
      image_dir: files.images.val,
      split: 'val',
      dataset_name: 'plain',
      thumbnails: 'none',
    });
    const { code, stderr } = await run(['check', String(plain.dataset_id), '--server', server.url]);
    expect(code).to.equal(1);
    expect(stderr).to.include(`POST /datasets/${plain.dataset_id}/hashes`);
  });
});

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { makeDataset } from '../helpers/makeDataset.js';
import { getJson } from '../helpers/sse.js';
import { run } from '../helpers/runCli.js';
import { REPO_ROOT, SAMPLE_DIR, startTestServer, type TestServer } from '../helpers/startTestServer.js';

describe('the coco-ingest command', function () {
  this.timeout(60_000);
  let server: TestServer;
  const annotations = path.join(SAMPLE_DIR, 'annotations/instances_val.json');
  const images = path.join(SAMPLE_DIR, 'images/val');

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('ingests through a pipe: plain lines, no escape codes, then the summary, exit 0', async () => {
    const { code, stdout, stderr } = await run(['ingest', annotations, images, '--server', server.url, '--name', 'from the cli']);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/images 12, annotations 46, categories 10/);
    expect(stdout).to.match(/thumbnails 12 made, 0 failed/);
    expect(stdout).not.to.include('\u001b[');
    const { body } = await getJson(`${server.url}/datasets`);
    expect(body.items.map((d: any) => d.name)).to.include('from the cli');
  });

  it('draws progress bars on a terminal', async () => {
    const { code, stdout } = await run(['ingest', annotations, images, '--server', server.url, '--thumbnails', 'none'], undefined, { viaTerminal: true });
    expect(code).to.equal(0);
    // cli-progress draws with escape codes and its bar characters.
    expect(stdout).to.match(/\u001b\[/);
    expect(stdout).to.match(/images\s*\|[█░]+\| 12\/12/);
  });

  it('exits 1 with the failure on stderr, naming the file, record and field', async () => {
    const bad = path.join(server.scratch, 'bad.json');
    await writeFile(bad, JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 'wide', height: 2 }], annotations: [], categories: [] }));
    const { code, stderr } = await run(['ingest', bad, '--server', server.url, '--thumbnails', 'none']);
    expect(code).to.equal(1);
    expect(stderr).to.match(/coco-ingest: failed: bad\.json: images\[0\]\.width/);
  });

  it('cancels the job it started on Ctrl-C, and exits 130', async () => {
    const big = await makeDataset(path.join(server.scratch, 'big'), 1500);
    let interrupted = false;
    const result = await run(['ingest', big.annotationPath, big.imageDir, '--server', server.url], (text, child) => {
      if (!interrupted && /thumbnails \d+/.test(text)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(result.code).to.equal(130);
    expect(result.stderr).to.match(/interrupted|cancelled/);
    const { body } = await getJson(`${server.url}/jobs`);
    expect(body.items[0].status).to.equal('cancelled');
  });

  it('exits 1 saying so when the service cannot be reached, and answers --help and --version', async () => {
    const { code, stderr } = await run(['datasets', '--server', 'http://127.0.0.1:1']);
    expect(code).to.equal(1);
    expect(stderr).to.include('cannot reach the service at http://127.0.0.1:1');
    const help = await run(['export', '--help']);
    expect(help.stdout).to.include('Usage: coco-ingest export [options] <dataset>');
    const version = await run(['--version']);
    expect(version.stdout.trim()).to.equal(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });
});

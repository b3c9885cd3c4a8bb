import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { WINDOW_RATE_DEFAULTS } from '../../src/jobs/WindowRate.js';
import { LoopbackFileServer } from '../helpers/LoopbackFileServer.js';
import { makeDataset } from '../helpers/makeDataset.js';
import { run } from '../helpers/runCli.js';
import { getJson } from '../helpers/sse.js';
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
    // Each progress line starts with the job's percentage and its time left.
    expect(stdout).to.match(/^\d+%, (time left unknown|\d+[hms]\S* left): /m);
    const { body } = await getJson(`${server.url}/datasets`);
    expect(body.items.map((d: any) => d.name)).to.include('from the cli');
  });

  it('draws progress bars on a terminal', async () => {
    const { code, stdout } = await run(['ingest', annotations, images, '--server', server.url, '--thumbnails', 'none'], undefined, { viaTerminal: true });
    expect(code).to.equal(0);
    // cli-progress draws with escape codes and its bar characters.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a terminal's escape sequences are what this reads.
    expect(stdout).to.match(/\u001b\[/);
    expect(stdout).to.match(/images\s*\|█+\| 100% \| 12\/12/);
  });

  it('on a terminal, fills each bar only when its stage is done, with its percentage, rate and time left', async () => {
    const images = 200;
    const dir = path.join(server.scratch, 'bars');
    const big = await makeDataset(dir, images);
    // The dataset's true totals, by stage: a full bar must show its stage's.
    const totals: Record<string, number> = { categories: 1, images, annotations: 2 * images, thumbnails: images };
    // The images come from a web server that holds the last one until the terminal has drawn the
    // thumbnails part done: so a part-done bar is drawn before the end, whatever the machine's speed.
    const web = await LoopbackFileServer.start(dir);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    web.fault((request) => (request.path === `/images/${String(images).padStart(12, '0')}.jpg` ? { until: gate } : null));
    const held = await startTestServer({}, [dir, `${web.url}/images`]);
    let stdout = '';
    let code: number | null;
    let seen = '';
    let firstThumbnails: number | undefined;
    let released = false;
    try {
      const result = await run(
        ['ingest', big.annotationPath, `${web.url}/images`, '--server', held.url],
        (text) => {
          seen = (seen + text).slice(-4096);
          firstThumbnails ??= /thumbnails\s+\|/.test(seen) ? performance.now() : undefined;
          if (!released && new RegExp(`thumbnails\\s+\\|[█░]+\\| +\\d+% \\| ${images - 1}/${images}`).test(seen)) {
            released = true;
            // A stage's rate is given once its samples span WINDOW_RATE_DEFAULTS.minSpanMs, and the line
            // drawn at the end must show one: the held image goes once the stage is at least that old.
            const stageAge = performance.now() - firstThumbnails!;
            setTimeout(release, Math.max(0, WINDOW_RATE_DEFAULTS.minSpanMs + 100 - stageAge));
          }
        },
        { viaTerminal: true },
      );
      stdout = result.stdout;
      code = result.code;
    } finally {
      release();
      await held.stop();
      await web.stop();
    }
    expect(code).to.equal(0);
    // The redraws, as lines of text without their escape codes.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a terminal's escape sequences are what this reads.
    const lines = stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '\n').split(/[\r\n]+/);
    const bars = lines
      .map((line) => /^ (\w+)\s+\|([█░]+)\| (?:\s*(\d+)%(?: \| (\d+)\/(\d+))?|(\d+) so far)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, stage, bar, percentage, current, total, soFar]) => ({
        stage: stage!,
        full: !bar!.includes('░'),
        empty: !bar!.includes('█'),
        percentage,
        current,
        total,
        soFar,
      }));
    expect(bars.length).to.be.greaterThan(0);
    for (const bar of bars) {
      if (bar.soFar !== undefined) expect(bar.empty, `${bar.stage} ${bar.soFar} so far`).to.equal(true);
      if (!bar.full) continue;
      expect(bar.percentage, `${bar.stage} full`).to.equal('100');
      if (bar.stage !== 'job') expect([Number(bar.current), Number(bar.total)], `${bar.stage} full`).to.deep.equal([totals[bar.stage], totals[bar.stage]]);
    }
    // Thumbnails were drawn part done, with a percentage below 100, before their end; and every bar ends full.
    expect(bars.some((b) => b.stage === 'thumbnails' && !b.full && b.percentage !== undefined && Number(b.percentage) < 100)).to.equal(true);
    const final = new Map(bars.map((b) => [b.stage, b]));
    for (const stage of ['job', ...Object.keys(totals)]) expect(final.get(stage)?.full, stage).to.equal(true);
    // The last frame's thumbnails line, whole on the 80 columns the terminal reports (none: cli-progress' 80), with its rate.
    const drawn = lines.filter((line) => /^ thumbnails\s+\|/.test(line));
    expect(drawn.at(-1), drawn.join('\n')).to.match(/thumbnails\s+\|█+\| 100% \| 200\/200 \| \d+\/s \| +0s left$/);
    for (const line of drawn) expect(line.length, line).to.be.at.most(80);
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

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { expect } from 'chai';
import { startServer } from '../../src/app/startServer.js';
import { createLogger } from '../../src/logger.js';
import { makeDataset } from '../helpers/makeDataset.js';
import { getJson, postIngest, readEventStream } from '../helpers/sse.js';
import { REPO_ROOT, startTestServer } from '../helpers/startTestServer.js';

describe('startServer', function () {
  this.timeout(60_000);

  it('ends its evaluation warm-up when it closes, instead of waiting for it', async function () {
    // 20,000 synthetic images of each IoU type (the most it takes) take about 25 s to match here; this test may take 15.
    this.timeout(15_000);
    const server = await startTestServer({ EVALUATION_WARM_UP_IMAGES: '20000' });
    const health = await getJson(`${server.url}/healthz`);
    expect(health.status).to.equal(200);
    await server.stop();
  });

  it('shuts down gracefully: running jobs end cancelled, watchers get the terminal event, and a restart sees it', async () => {
    const server = await startTestServer({ WORKERS: '1' });
    const big = await makeDataset(path.join(server.scratch, 'big'), 1500);
    const job = await postIngest(server.url, { annotation_path: big.annotationPath, image_dir: big.imageDir });
    const response = await fetch(`${server.url}/jobs/${job.job_id}/events`, { headers: { accept: 'text/event-stream' } });
    let started!: () => void;
    const thumbnailsStarted = new Promise<void>((resolve) => (started = resolve));
    const watching = readEventStream(response, (e) => {
      if (e.data.stage === 'thumbnails' && Number(e.data.current) > 0) started();
    });
    await thumbnailsStarted;
    await server.close();
    const events = await watching;
    expect(events.at(-1)!.event).to.equal('cancelled');

    const again = await startServer(server.config, createLogger('silent'));
    try {
      const dataset = await getJson(`${again.url}/datasets/${job.dataset_id}`);
      expect(dataset.body).to.include({ status: 'cancelled', image_count: 0 });
      const stored = await getJson(`${again.url}/jobs/${job.job_id}`);
      expect(stored.body.status).to.equal('cancelled');
    } finally {
      await again.close();
      await server.stop();
    }
  });

  it('fails fast with a clear message when another process holds the same DATA_DIR', async () => {
    const server = await startTestServer();
    try {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/src/app/serverMain.js')], {
        env: { ...process.env, PORT: '0', DATA_DIR: server.dataDir, LOG_LEVEL: 'silent', PLUGIN_DIR: path.join(REPO_ROOT, 'plugins') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'close')) as [number]; // 'close': stderr is read to its end
      expect(code).to.equal(1);
      expect(stderr).to.match(/coco-ingest could not start: the database .*coco-ingest\.duckdb is in use by another process/);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start on an invalid configuration, naming the variable', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/src/app/serverMain.js')], {
      env: { ...process.env, PORT: 'http', WORKERS: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number]; // 'close': stderr is read to its end
    expect(code).to.equal(1);
    expect(stderr).to.match(/PORT="http": PORT must be a whole number/);
    expect(stderr).to.match(/WORKERS="0"/);
  });
});

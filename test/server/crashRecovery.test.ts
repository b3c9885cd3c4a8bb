import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { makeDataset } from '../helpers/makeDataset.js';
import { followJob, getJson, postIngest, readEventStream, terminalOf } from '../helpers/sse.js';
import { REPO_ROOT } from '../helpers/startTestServer.js';
import { type ZipEntry, zipOf } from '../helpers/zipOf.js';

const MAIN = path.join(REPO_ROOT, 'dist/src/app/serverMain.js');

interface Started {
  child: ChildProcess;
  url: string;
}

/** Starts `npm start`'s entry point as its own process and waits for the line that says where it listens. */
async function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const url = /"url":"([^"]+)"/.exec(line)?.[1];
    if (url) {
      child.stdout!.resume();
      return { child, url };
    }
  }
  throw new Error('the server exited before listening');
}

async function stderrOf(child: ChildProcess): Promise<string> {
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  await once(child, 'exit');
  return text;
}

describe('a crash in the middle of an ingest (kill -9), then a restart', function () {
  this.timeout(120_000);
  let base: string;
  let env: Record<string, string>;

  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'coco-ingest-crash-'));
    env = { DATA_DIR: path.join(base, 'data'), INGEST_ROOTS: base, WORKERS: '1', PLUGIN_DIR: path.join(REPO_ROOT, 'plugins') };
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('reopens the database, shows the job and dataset failed (interrupted), removes its thumbnails, and ingests the files again', async () => {
    const { annotationPath, imageDir } = await makeDataset(path.join(base, 'big'), 400);
    const first = await startProcess(env);
    const job = await postIngest(first.url, { annotation_path: annotationPath, image_dir: imageDir });
    // Wait until thumbnails are being written, then kill without any chance to clean up.
    const events = await fetch(`${first.url}/jobs/${job.job_id}/events`);
    const killed = new Promise<void>((resolve) => {
      void readEventStream(events, (event) => {
        if (event.data.stage === 'thumbnails' && Number(event.data.current) >= 20 && first.child.exitCode === null) {
          first.child.kill('SIGKILL');
          resolve();
        }
      }).catch(() => undefined);
    });
    await killed;
    await once(first.child, 'exit');

    const second = await startProcess(env);
    try {
      const status = (await getJson(`${second.url}/jobs/${job.job_id}`)).body;
      expect(status.status).to.equal('failed');
      expect(status.error.code).to.equal('INTERRUPTED');
      const dataset = (await getJson(`${second.url}/datasets/${job.dataset_id}`)).body;
      expect(dataset.status).to.equal('failed');
      expect(dataset.image_count).to.equal(0);
      const thumbs = await readdir(path.join(env.DATA_DIR!, 'thumbnails', String(job.dataset_id))).catch(() => []);
      expect(thumbs).to.not.include(job.job_id);

      const again = await postIngest(second.url, { annotation_path: annotationPath, image_dir: imageDir, thumbnails: 'none' });
      const complete = terminalOf(await followJob(second.url, again.job_id))!;
      expect(complete.event).to.equal('complete');
      expect(complete.data).to.include({ image_count: 400, annotation_count: 800 });
      expect((await getJson(`${second.url}/datasets/${again.dataset_id}`)).body).to.include({ status: 'ready', image_count: 400, annotation_count: 800 });

      // A second process on the same DATA_DIR fails fast, naming the lock.
      const third = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      const stderr = await stderrOf(third);
      expect(third.exitCode).to.equal(1);
      expect(stderr).to.match(/could not start: .*(lock|another process)/i);
    } finally {
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
  });

  it('takes back an upload cut by the crash: its committed split, its files and thumbnails go, its dataset is left failed and empty', async () => {
    const small = await makeDataset(path.join(base, 'upload-a'), 10);
    const large = await makeDataset(path.join(base, 'upload-b'), 400);
    const entries: ZipEntry[] = [
      ['annotations/instances_a.json', small.annotationPath],
      ['annotations/instances_b.json', large.annotationPath],
    ];
    for (const [split, set] of [
      ['a', small],
      ['b', large],
    ] as const) {
      for (const name of await readdir(set.imageDir)) entries.push([`${split}/${name}`, path.join(set.imageDir, name)]);
    }
    const first = await startProcess(env);
    const answer = await fetch(`${first.url}/datasets/upload?file_name=two.zip`, {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: await zipOf(entries),
    });
    const upload = (await answer.json()) as any;
    // Split a is committed; kill while b's thumbnails are being written.
    const events = await fetch(`${first.url}/jobs/${upload.job_id}/events`);
    await new Promise<void>((resolve) => {
      void readEventStream(events, (event) => {
        if (event.data.split === 'b' && event.data.stage === 'thumbnails' && Number(event.data.current) >= 20 && first.child.exitCode === null) {
          first.child.kill('SIGKILL');
          resolve();
        }
      }).catch(() => undefined);
    });
    await once(first.child, 'exit');

    const second = await startProcess(env);
    try {
      const job = (await getJson(`${second.url}/jobs/${upload.job_id}`)).body;
      expect(job).to.include({ kind: 'upload', status: 'failed' });
      expect(job.error.code).to.equal('INTERRUPTED');
      const dataset = (await getJson(`${second.url}/datasets/${upload.dataset_id}`)).body;
      expect(dataset).to.include({ status: 'failed', image_count: 0, annotation_count: 0 });
      expect(dataset.split_names).to.deep.equal([]);
      const splits = (await getJson(`${second.url}/jobs?limit=20`)).body.items.filter((j: any) => j.upload_job_id === upload.job_id);
      expect(splits.map((j: any) => [j.split, j.status]).sort()).to.deep.equal([
        ['a', 'cancelled'],
        ['b', 'failed'],
      ]);
      expect(await readdir(path.join(env.DATA_DIR!, 'uploads'))).to.not.include(String(upload.dataset_id));
      expect(await readdir(path.join(env.DATA_DIR!, 'thumbnails')).catch(() => [])).to.not.include(String(upload.dataset_id));
    } finally {
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
  });
});

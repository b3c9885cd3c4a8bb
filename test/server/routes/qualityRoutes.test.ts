import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import { ingest } from '../../helpers/ingest.js';
import { writeLeakyDataset } from '../../helpers/leakyDataset.js';
import { ingestProblemsDataset } from '../../helpers/problemsDataset.js';
import { followJob, terminalOf } from '../../helpers/sse.js';
import { useTestServer } from '../../helpers/startTestServer.js';

const exec = promisify(execFile);

async function getJson(url: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Each group as its members' file names, sorted, with its kind and whether it is a leak. */
const named = (groups: any[]) =>
  groups.map((g) => ({ kind: g.kind, cross_split: g.cross_split, files: g.samples.map((s: any) => `${s.split}/${s.file_name}`).sort() }));

describe('the duplicates of a dataset whose train split holds edited copies of val photos', () => {
  const server = useTestServer();
  let datasetId: number;

  before(async () => {
    const dir = path.join(server.scratch, 'leaky');
    const { annotations, images } = await writeLeakyDataset(dir);
    const val = await ingest(server, { annotation_path: annotations.val, image_dir: images.val, split: 'val', dataset_name: 'leaky' });
    expect(val.event).to.equal('complete');
    datasetId = val.dataset_id;
    const train = await ingest(server, { annotation_path: annotations.train, image_dir: images.train, split: 'train', dataset_id: datasetId });
    expect(train.event).to.equal('complete');
  });

  it('groups every edited copy with its original, leaks first, and puts no two distinct photos together', async () => {
    const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/duplicates?max_distance=10`);
    expect(status).to.equal(200);
    expect(body).to.include({ hashed: 14, unhashed: 0, group_count: 6, leak_count: 5, max_distance: 10 });
    const groups = named(body.groups);
    expect(groups.slice(0, 5)).to.have.deep.members([
      { kind: 'exact', cross_split: true, files: ['train/t1.jpg', 'val/v1.jpg'] },
      { kind: 'near', cross_split: true, files: ['train/t2.jpg', 'val/v2.jpg'] },
      { kind: 'near', cross_split: true, files: ['train/t3.jpg', 'val/v3.jpg'] },
      { kind: 'near', cross_split: true, files: ['train/t4.jpg', 'val/v4.jpg'] },
      { kind: 'near', cross_split: true, files: ['train/t5.jpg', 'val/v5.jpg'] },
    ]);
    expect(groups[5]).to.deep.equal({ kind: 'exact', cross_split: false, files: ['train/t6.jpg', 'train/t8.jpg'] });
    const exact = body.groups.find((g: any) => g.kind === 'exact' && g.cross_split);
    expect(exact.samples.map((s: any) => s.distance)).to.deep.equal([0, 0]);
    expect(exact.samples[0]).to.have.keys('id', 'dataset_id', 'coco_id', 'split', 'file_name', 'distance');
  });

  it('finds the exact, resized and re-encoded copies at the default distance', async () => {
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/duplicates`);
    expect(body.max_distance).to.equal(3);
    const files = named(body.groups).map((g) => g.files.join(' '));
    expect(files).to.include.members(['train/t1.jpg val/v1.jpg', 'train/t2.jpg val/v2.jpg', 'train/t3.jpg val/v3.jpg', 'train/t6.jpg train/t8.jpg']);
  });

  it('keeps only the groups of one split with split=', async () => {
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/duplicates?max_distance=10&split=val`);
    expect(body.groups).to.have.length(5);
    expect(body.groups.every((g: any) => g.cross_split)).to.equal(true);
  });

  it('filters the grid by duplicates=cross_split and duplicates=any', async () => {
    const names = async (filter: string) =>
      (await getJson(`${server.url}/samples?dataset_id=${datasetId}&duplicates=${filter}&limit=50`)).body.items.map((s: any) => `${s.split}/${s.file_name}`);
    const leaks = await names('cross_split');
    expect(leaks).to.include.members(['val/v1.jpg', 'train/t1.jpg', 'val/v2.jpg', 'train/t2.jpg', 'val/v3.jpg', 'train/t3.jpg']);
    expect(leaks).to.not.include.members(['train/t6.jpg']);
    for (const name of leaks) expect(['v6', 't6', 't7', 't8'].some((n) => name.includes(`/${n}.`))).to.equal(false);
    const any = await names('any');
    expect(any).to.include.members(['train/t6.jpg', 'train/t8.jpg', 'val/v1.jpg']);
    expect(any).to.not.include('val/v6.jpg');
    expect(any).to.not.include('train/t7.jpg');
  });

  it('compares one dataset with another with against=', async () => {
    const other = await ingest(server, {
      annotation_path: path.join(server.scratch, 'leaky/instances_train.json'),
      image_dir: path.join(server.scratch, 'leaky/train'),
      split: 'train',
      dataset_name: 'public',
    });
    expect(other.event).to.equal('complete');
    const { body } = await getJson(`${server.url}/datasets/${datasetId}/duplicates?against=${other.dataset_id}&max_distance=10&split=val`);
    const v1 = body.groups.find((g: any) => g.samples.some((s: any) => s.file_name === 'v1.jpg'));
    expect(v1.cross_split).to.equal(true);
    expect(v1.samples.map((s: any) => s.dataset_id)).to.include(other.dataset_id);
    for (const group of body.groups) expect(new Set(group.samples.map((s: any) => s.dataset_id)).size).to.equal(2);
  });

  it('exports each sample with its hashes in Parquet: the SHA-256 of its file, and its perceptual hash', async () => {
    const response = await fetch(`${server.url}/datasets/${datasetId}/export?format=parquet&table=samples`);
    expect(response.status).to.equal(200);
    const file = path.join(server.scratch, 'samples.parquet');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const rows = (
        await conn.runAndReadAll(`SELECT split, file_name, content_hash, phash FROM read_parquet('${file}') ORDER BY split, file_name`)
      ).getRowObjectsJS();
      expect(rows).to.have.length(14);
      const shaOf = async (p: string) => (await exec('sha256sum', [p])).stdout.split(' ')[0];
      const v1 = rows.find((r) => r.file_name === 'v1.jpg')!;
      expect(v1.content_hash).to.equal(await shaOf(path.join(server.scratch, 'leaky/val/v1.jpg')));
      expect(rows.find((r) => r.file_name === 't1.jpg')!.content_hash).to.equal(v1.content_hash);
      expect(typeof v1.phash).to.equal('bigint');
      expect(rows.every((r) => r.phash !== null)).to.equal(true);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('refuses a distance beyond the allowed one', async () => {
    const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/duplicates?max_distance=40`);
    expect(status).to.equal(400);
    expect(body.error.code).to.equal('INVALID_REQUEST');
  });
});

describe('a dataset ingested with thumbnails but "hashes": false', () => {
  const server = useTestServer();

  it('has its thumbnails but keeps no hash, and its duplicates say how to get them', async () => {
    const { annotations, images } = await writeLeakyDataset(path.join(server.scratch, 'leaky'));
    const val = await ingest(server, { annotation_path: annotations.val, image_dir: images.val, split: 'val', dataset_name: 'unhashed', hashes: false });
    expect(val.event).to.equal('complete');
    expect(val.image_count).to.be.greaterThan(0);
    expect(val.thumbnails.generated).to.equal(val.image_count);
    const job = await getJson(`${server.url}/jobs/${val.job_id}`);
    expect(job.body).to.include({ hashes: false });
    const duplicates = await getJson(`${server.url}/datasets/${val.dataset_id}/duplicates`);
    expect(duplicates.status).to.equal(409);
    expect(duplicates.body.error.code).to.equal('HASHES_MISSING');
    expect(duplicates.body.error.message).to.include('"hashes": false');
  });

  it('refuses a hashes field that is not a boolean, naming it', async () => {
    const response = await fetch(`${server.url}/datasets/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotation_path: 'x.json', hashes: 'no' }),
    });
    expect(response.status).to.equal(400);
    expect(JSON.stringify(await response.json())).to.include('hashes');
  });
});

describe('a dataset ingested without thumbnails', () => {
  const server = useTestServer();

  it('has no hashes until the hash job reads its images, then has its duplicates', async () => {
    const dir = path.join(server.scratch, 'leaky');
    const { annotations, images } = await writeLeakyDataset(dir);
    const val = await ingest(server, { annotation_path: annotations.val, image_dir: images.val, split: 'val', dataset_name: 'plain', thumbnails: 'none' });
    const datasetId = val.dataset_id;
    await ingest(server, { annotation_path: annotations.train, image_dir: images.train, split: 'train', dataset_id: datasetId, thumbnails: 'none' });
    const before = await getJson(`${server.url}/datasets/${datasetId}/duplicates`);
    expect(before.status).to.equal(409);
    expect(before.body.error.code).to.equal('HASHES_MISSING');
    expect(before.body.error.message).to.include(`POST /datasets/${datasetId}/hashes`);

    const response = await fetch(`${server.url}/datasets/${datasetId}/hashes`, { method: 'POST' });
    expect(response.status).to.equal(202);
    const job = (await response.json()) as Record<string, any>;
    const terminal = terminalOf(await followJob(server.url, job.job_id));
    expect(terminal?.event).to.equal('complete');
    expect(terminal?.data).to.include({ hashed: 14, failed: 0 });

    const after = await getJson(`${server.url}/datasets/${datasetId}/duplicates?max_distance=10`);
    expect(after.body).to.include({ hashed: 14, unhashed: 0, leak_count: 5, group_count: 6 });
  });
});

describe('the checks of a dataset with one of each annotation problem', () => {
  const server = useTestServer();
  let datasetId: number;

  before(async () => {
    datasetId = await ingestProblemsDataset(server);
  });

  it('counts each problem as fixtures/quality/README.md works it out by hand', async () => {
    const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/checks`);
    expect(status).to.equal(200);
    const counts = Object.fromEntries(body.checks.map((c: any) => [c.name, c.count]));
    expect(counts).to.deep.equal({
      box_outside_image: 1,
      box_degenerate: 1,
      box_not_containing_polygon: 1,
      area_mismatch: 3,
      polygon_too_few_points: 1,
      duplicate_annotation: 1,
      keypoints_outside_box: 1,
      image_without_annotations: 1,
      category_unused: 1,
      crowd_polygon: 1,
    });
    const ids = Object.fromEntries(body.checks.map((c: any) => [c.name, c.ids]));
    expect(ids).to.deep.include({ box_outside_image: [2], area_mismatch: [5, 12, 13], duplicate_annotation: [8], category_unused: [4], crowd_polygon: [10] });
  });

  it('filters the grid by check=', async () => {
    const cocoIds = async (check: string) =>
      (await getJson(`${server.url}/samples?dataset_id=${datasetId}&check=${check}`)).body.items.map((s: any) => s.coco_id).sort();
    expect(await cocoIds('area_mismatch')).to.deep.equal([2, 3]);
    expect(await cocoIds('image_without_annotations')).to.deep.equal([4]);
    expect(await cocoIds('duplicate_annotation')).to.deep.equal([3]);
    const unknown = await getJson(`${server.url}/samples?dataset_id=${datasetId}&check=nonsense`);
    expect(unknown.status).to.equal(400);
  });

  it('answers duplicates of a dataset ingested without thumbnails with how to get its hashes', async () => {
    const { status, body } = await getJson(`${server.url}/datasets/${datasetId}/duplicates`);
    expect(status).to.equal(409);
    expect(body.error.code).to.equal('HASHES_MISSING');
    expect(body.error.message).to.include(`POST /datasets/${datasetId}/hashes`);
  });
});

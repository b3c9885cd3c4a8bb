import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Database } from '../../src/db/Database.js';
import { DatasetRepository } from '../../src/db/DatasetRepository.js';
import { HashWriter } from '../../src/db/HashWriter.js';
import { expectRejection } from '../helpers/expectRejection.js';

describe('HashWriter (real DuckDB file)', () => {
  let dir: string;
  let db: Database;
  let repo: DatasetRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hash-writer-'));
    db = await Database.open({ file: path.join(dir, 'test.duckdb') });
    repo = new DatasetRepository(db);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A hash job's writer, with one image hashed and one failed. */
  async function writerWithResults(jobId: string): Promise<{ datasetId: number; writer: HashWriter }> {
    const datasetId = await repo.createDataset('d');
    await repo.createJob({ id: jobId, kind: 'hash', datasetId, split: 'hashes', annotationPath: '', imageDir: null, maskDir: null, options: {} });
    const writer = await HashWriter.begin(db, { datasetId, jobId });
    writer.add(1, { content: 'a'.repeat(64), perceptual: '00000000ffffffff' });
    writer.addFailure(2, { code: 'IMAGE_MISSING', message: '2.jpg: file not found' });
    return { datasetId, writer };
  }

  const failures = () => db.query('SELECT sample_id, dataset_id, job_id, code, message FROM image_failures ORDER BY sample_id');

  it('commits its image failures with the job row, in the shape an ingest records its own', async () => {
    const { datasetId, writer } = await writerWithResults('h1');
    try {
      await writer.commit(async () => undefined);
    } finally {
      await writer.close();
    }
    expect(await failures()).to.deep.equal([{ sample_id: 2, dataset_id: datasetId, job_id: 'h1', code: 'IMAGE_MISSING', message: '2.jpg: file not found' }]);
  });

  it('keeps no failure and no hash when the job row cannot be written: they are one transaction', async () => {
    const { writer } = await writerWithResults('h2');
    try {
      await expectRejection(
        writer.commit(async () => {
          throw new Error('the job row could not be written');
        }),
        /job row/,
      );
    } finally {
      await writer.close();
    }
    expect(await failures()).to.deep.equal([]);
    expect(await db.query('SELECT count(*) AS n FROM sample_hashes')).to.deep.equal([{ n: 0 }]);
  });
});

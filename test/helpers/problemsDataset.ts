import path from 'node:path';
import { expect } from 'chai';
import { ingest } from './ingest.js';
import { REPO_ROOT, type TestServer } from './startTestServer.js';

/**
 * Ingests `fixtures/quality/instances_problems.json` (one of each annotation
 * problem, counted by hand in its README) without thumbnails; returns the new dataset's id.
 */
export async function ingestProblemsDataset(server: TestServer): Promise<number> {
  const done = await ingest(server, {
    annotation_path: path.join(REPO_ROOT, 'fixtures/quality/instances_problems.json'),
    image_dir: path.join(REPO_ROOT, 'fixtures/quality'),
    thumbnails: 'none',
  });
  expect(done.event, JSON.stringify(done)).to.equal('complete');
  return Number(done.dataset_id);
}

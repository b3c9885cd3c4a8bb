import { rm } from 'node:fs/promises';
import { Database } from '../../src/db/Database.js';
import { DuplicateRepository } from '../../src/db/DuplicateRepository.js';
import { fillDuplicateMembersSql } from '../../src/db/duplicateMembersSql.js';
import { SampleRepository } from '../../src/db/SampleRepository.js';

/** What {@link measureDuplicateSearch} measured. */
export interface DuplicateSearchMeasure {
  /** `DuplicateRepository.find`. */
  ms: number;
  planted: number;
  leaks: number;
  /** Filling `duplicate_members` for the dataset: what a commit storing hashes adds. */
  keepMs: number;
  /** `GET /samples?duplicates=any` and `=cross_split`: first page and total, from the kept members. */
  anyMs: number;
  crossMs: number;
  /** Their totals. */
  anyTotal: number;
  crossTotal: number;
}

/**
 * The duplicate search over `images` synthetic hashes in a real DuckDB file,
 * with the service's memory limit: uniformly random 64-bit hashes (DuckDB's
 * `hash()` of the row number), half train, half val, plus one planted leak in
 * every 1,000 images (a val copy of a train hash with two bits flipped). Times
 * the service's own `DuplicateRepository.find`, and counts the leaks it found;
 * then the filling of `duplicate_members` and the `duplicates=` filter's first
 * page and total.
 */
export async function measureDuplicateSearch(file: string, images: number, maxDistance: number, memoryLimit: string): Promise<DuplicateSearchMeasure> {
  await rm(file, { force: true });
  const db = await Database.open({ file, memoryLimit });
  try {
    await db.write(`INSERT INTO datasets VALUES (1, 'synthetic', 'ready', NULL, now(), now())`);
    await db.write(
      `INSERT INTO samples (id, dataset_id, job_id, split, coco_id, file_name, width, height, content_hash, phash)
       SELECT i, 1, 'job', CASE WHEN i % 2 = 0 THEN 'train' ELSE 'val' END, i, i || '.jpg', 640, 480, md5(i::VARCHAR), hash(i)
       FROM range(1, ${images + 1}) t(i)`,
    );
    const planted = Math.floor(images / 1000);
    await db.write(
      `INSERT INTO samples (id, dataset_id, job_id, split, coco_id, file_name, width, height, content_hash, phash)
       SELECT ${images} + k, 1, 'job', 'val', ${images} + k, 'copy' || k || '.jpg', 640, 480, md5('copy' || k), xor(hash(k * 1000), (1::UBIGINT << 5) | (1::UBIGINT << 40))
       FROM range(1, ${planted + 1}) t(k)`,
    );
    await db.write('CHECKPOINT');
    const started = performance.now();
    const answer = await new DuplicateRepository(db).find({ datasetId: 1, maxDistance });
    const ms = performance.now() - started;
    const leaks = answer.groups.filter((g) => g.cross_split).length;
    let at = performance.now();
    await db.write(fillDuplicateMembersSql('= 1'));
    const keepMs = performance.now() - at;
    const samples = new SampleRepository(db);
    at = performance.now();
    const any = await samples.list({ datasetId: 1, offset: 0, limit: 100, duplicates: 'any' });
    const anyMs = performance.now() - at;
    at = performance.now();
    const cross = await samples.list({ datasetId: 1, offset: 0, limit: 100, duplicates: 'cross_split' });
    const crossMs = performance.now() - at;
    return { ms, planted, leaks, keepMs, anyMs, crossMs, anyTotal: any.total ?? 0, crossTotal: cross.total ?? 0 };
  } finally {
    await db.close();
    await rm(file, { force: true });
  }
}

import { rm } from 'node:fs/promises';
import { Database } from '../../src/db/Database.js';
import { DuplicateRepository } from '../../src/db/DuplicateRepository.js';

/**
 * The duplicate search over `images` synthetic hashes in a real DuckDB file,
 * with the service's memory limit: uniformly random 64-bit hashes (DuckDB's
 * `hash()` of the row number), half train, half val, plus one planted leak in
 * every 1,000 images (a val copy of a train hash with two bits flipped). Times
 * the service's own `DuplicateRepository.find`, and counts the leaks it found.
 */
export async function measureDuplicateSearch(
  file: string,
  images: number,
  maxDistance: number,
  memoryLimit: string,
): Promise<{ ms: number; planted: number; leaks: number }> {
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
    return { ms, planted, leaks: answer.groups.filter((g) => g.cross_split).length };
  } finally {
    await db.close();
    await rm(file, { force: true });
  }
}

import { rm } from 'node:fs/promises';
import { CheckRepository } from '../../src/db/CheckRepository.js';
import { Database } from '../../src/db/Database.js';

/**
 * The annotation checks over a generated dataset of `images` images and 7.5
 * annotations each (boxes with a rectangle polygon, COCO's average count) in a
 * real DuckDB file with the service's memory limit: times the service's own
 * `CheckRepository.run`, all checks one after the other.
 */
export async function measureChecks(file: string, images: number, memoryLimit: string): Promise<{ ms: number; annotations: number }> {
  await rm(file, { force: true });
  const db = await Database.open({ file, memoryLimit });
  try {
    await db.write(`INSERT INTO datasets VALUES (1, 'synthetic', 'ready', NULL, now(), now())`);
    await db.write(`INSERT INTO categories (dataset_id, id, name) SELECT 1, c, 'c' || c FROM range(1, 81) t(c)`);
    await db.write(
      `INSERT INTO samples (id, dataset_id, job_id, split, coco_id, file_name, width, height)
       SELECT i, 1, 'job', 'train', i, i || '.jpg', 640, 480 FROM range(1, ${images + 1}) t(i)`,
    );
    // 7 or 8 annotations an image (7.5 on average); boxes inside the image, their polygon their rectangle.
    await db.write(
      `INSERT INTO annotations (id, dataset_id, job_id, image_coco_id, record_index, coco_id, category_id, bbox_x, bbox_y, bbox_w, bbox_h, area, iscrowd, segmentation)
       SELECT row_number() OVER (), 1, 'job', i, 0, i * 8 + k, 1 + (i * 8 + k) % 80, x, y, 50, 40, 2000, false,
         format('[[{},{},{},{},{},{},{},{}]]', x, y, x + 50, y, x + 50, y + 40, x, y + 40)
       FROM (SELECT i, k, (i * 37 + k * 71) % 500 AS x, (i * 13 + k * 29) % 400 AS y FROM range(1, ${images + 1}) t(i), range(0, 8) u(k) WHERE k < 7 OR i % 2 = 0)`,
    );
    await db.write('CHECKPOINT');
    const [row] = await db.query('SELECT count(*) AS n FROM annotations');
    const started = performance.now();
    await new CheckRepository(db).run(1);
    return { ms: performance.now() - started, annotations: Number(row!.n) };
  } finally {
    await db.close();
    await rm(file, { force: true });
  }
}

import { rm } from 'node:fs/promises';
import { CheckRepository } from '../../src/db/CheckRepository.js';
import { fillCountersSql } from '../../src/db/counters/CounterTable.js';
import { checkHitsTable } from '../../src/db/counters/checkHitsTable.js';
import { COUNTER_TABLES } from '../../src/db/counters/counterTables.js';
import { Database } from '../../src/db/Database.js';
import { CHECK_FLAGS_FROM_JSON_SQL } from '../../src/db/qualityChecks.js';
import { SampleRepository } from '../../src/db/SampleRepository.js';

/** What {@link measureChecks} measured. */
export interface ChecksMeasure {
  annotations: number;
  /** Filling `check_hits` for the whole split: the statement a commit adds, over the same rows. */
  fillMs: number;
  /** `CheckRepository.run`, every check. */
  checksMs: number;
  /** `GET /samples?check=box_outside_image`'s first page and total. */
  filterMs: number;
  /** Each check's count, from the run. */
  counts: Record<string, number>;
}

/**
 * The annotation checks over a generated split of `images` images and 7.5
 * annotations each (boxes with a rectangle polygon, COCO's average count) in a
 * real DuckDB file with the service's memory limit, with planted problems:
 * about 1% of the annotations break one check each, and one image in 1,000 has
 * none. The other counters are filled first (as at commit), then `check_hits`
 * is filled and timed alone (the cost a commit of this split adds), then the
 * service's own `CheckRepository.run` and a `check=` page are timed.
 */
export async function measureChecks(file: string, images: number, memoryLimit: string): Promise<ChecksMeasure> {
  await rm(file, { force: true });
  const db = await Database.open({ file, memoryLimit });
  try {
    await fillSplit(db, images);
    await db.write(fillCountersSql(COUNTER_TABLES.filter((c) => c !== checkHitsTable)));
    await db.write('CHECKPOINT');
    const [row] = await db.query('SELECT count(*) AS n FROM annotations');
    let started = performance.now();
    await db.write(fillCountersSql([checkHitsTable]));
    const fillMs = performance.now() - started;
    await db.write('CHECKPOINT');
    started = performance.now();
    const results = await new CheckRepository(db).run(1);
    const checksMs = performance.now() - started;
    started = performance.now();
    await new SampleRepository(db).list({ datasetId: 1, offset: 0, limit: 100, check: 'box_outside_image' });
    const filterMs = performance.now() - started;
    return { annotations: Number(row!.n), fillMs, checksMs, filterMs, counts: Object.fromEntries(results.map((r) => [r.name, r.count])) };
  } finally {
    await db.close();
    await rm(file, { force: true });
  }
}

/** One split of `images` 640x480 images and 7 or 8 rectangle annotations each, with the planted problems. */
export async function fillSplit(db: Database, images: number): Promise<void> {
  await db.write(`INSERT INTO datasets VALUES (1, 'synthetic', 'ready', NULL, now(), now())`);
  await db.write(`INSERT INTO categories (dataset_id, id, name) SELECT 1, c, 'c' || c FROM range(1, 82) t(c)`);
  await db.write(
    `INSERT INTO samples (id, dataset_id, job_id, split, coco_id, file_name, width, height)
     SELECT i, 1, 'job', 'train', i, i || '.jpg', 640, 480 FROM range(1, ${images + 1}) t(i)`,
  );
  // Annotation j = i * 8 + k. Planted, each on a residue of j (about 1% in all): j % 200 = 6 a box past the
  // right edge; j % 500 = 4 a zero width; j % 300 = 2 a two-point polygon; j % 400 = 3 an area of 100 for a
  // 2,000 px polygon; j % 2000 = 5 a crowd drawn as a polygon; k = 1 of every 250th image the same box and
  // category as its k = 0 (a duplicate). Images i % 1000 = 0 have none.
  // The per-annotation checks' flags are worked out as the ingest stores them (annotationCheckFlags), here with the
  // same rules in SQL (CHECK_FLAGS_FROM_JSON_SQL; a test holds the two equal) as the rows are inserted.
  await db.write(
    `INSERT INTO annotations (id, dataset_id, job_id, image_coco_id, record_index, coco_id, category_id, bbox_x, bbox_y, bbox_w, bbox_h, area, iscrowd, segmentation, check_flags)
     SELECT id, 1, 'job', image_coco_id, 0, coco_id, category_id, bbox_x, bbox_y, bbox_w, bbox_h, area, iscrowd, segmentation, ${CHECK_FLAGS_FROM_JSON_SQL}
     FROM (SELECT row_number() OVER () AS id, i AS image_coco_id, j AS coco_id, c AS category_id, x AS bbox_x, y AS bbox_y,
       CASE WHEN j % 500 = 4 THEN 0 ELSE 50 END AS bbox_w, 40 AS bbox_h,
       CASE WHEN j % 400 = 3 THEN 100 ELSE 2000 END AS area, j % 2000 = 5 AS iscrowd,
       CAST(CASE WHEN j % 300 = 2 THEN format('[[{},{},{},{}]]', x, y, x + 50, y + 40)
            ELSE format('[[{},{},{},{},{},{},{},{}]]', x, y, x + 50, y, x + 50, y + 40, x, y + 40) END AS JSON) AS segmentation,
       NULL::JSON AS keypoints, NULL::VARCHAR AS caption, NULL::BIGINT AS mask_area
     FROM (SELECT i, k, i * 8 + k AS j,
             CASE WHEN k = 1 AND i % 250 = 0 THEN (i * 37) % 500 WHEN (i * 8 + k) % 200 = 6 THEN 620 ELSE (i * 37 + k * 71) % 500 END AS x,
             CASE WHEN k = 1 AND i % 250 = 0 THEN (i * 13) % 400 ELSE (i * 13 + k * 29) % 400 END AS y,
             CASE WHEN k = 1 AND i % 250 = 0 THEN 1 + (i * 7) % 80 ELSE 1 + (i * 7 + k) % 80 END AS c
           FROM range(1, ${images + 1}) t(i), range(0, 8) u(k) WHERE (k < 7 OR i % 2 = 0) AND i % 1000 <> 0))`,
  );
}

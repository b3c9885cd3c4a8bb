import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { Database } from '../../src/db/Database.js';
import { CHECK_FLAGS_FROM_JSON_SQL } from '../../src/db/qualityChecks.js';
import { annotationsTable } from '../../src/db/tables/annotationsTable.js';
import { TableAppender } from '../../src/db/tables/TableAppender.js';
import { maskPixelArea } from '../../src/formats/maskPixelArea.js';
import { rleToString } from '../../src/formats/panoptic/rle.js';
import type { CocoAnnotation } from '../../src/formats/records.js';
import { ANNOTATION_CHECK_FLAGS, annotationCheckFlags } from '../../src/quality/annotationCheckFlags.js';

/** Coordinates on a half-pixel grid: every sum and product the rules make is exact, in JS as in DuckDB. */
const coordinate = fc.integer({ min: -40, max: 300 }).map((n) => n / 2);
const polygon = fc.array(fc.tuple(coordinate, coordinate), { maxLength: 6 }).map((points) => points.flat());
const segmentation = fc.oneof(
  fc.constant(null),
  fc.array(polygon, { maxLength: 3 }),
  fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }).map((counts) => ({ size: [40, 40], counts })),
  // A compressed RLE: SQL cannot decode its string, so its area is the ingest's mask_area.
  fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }).map((counts) => ({ size: [40, 40], counts: rleToString(counts) })),
);
const keypoints = fc.option(
  fc.array(fc.tuple(coordinate, coordinate, fc.integer({ min: 0, max: 2 })), { maxLength: 4 }).map((kp) => kp.flat()),
  { nil: null },
);
const annotation = fc.record({
  bbox: fc.option(fc.tuple(coordinate, coordinate, coordinate, coordinate), { nil: null }),
  area: fc.option(
    fc.integer({ min: 0, max: 2000 }).map((n) => n / 2),
    { nil: null },
  ),
  iscrowd: fc.boolean(),
  segmentation,
  keypoints,
  caption: fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: fc.constant('a caption'), weight: 1 }),
});

/** An annotation record as a reader yields it, its RLE's area worked out as the normaliser does. */
function record(fields: Omit<CocoAnnotation, 'id' | 'image_id' | 'category_id' | 'num_keypoints' | 'extra' | 'mask_area'>, id: number): CocoAnnotation {
  return { ...fields, id, image_id: 1, category_id: 1, num_keypoints: null, extra: null, mask_area: maskPixelArea(fields.segmentation) };
}

describe('annotationCheckFlags', () => {
  it('flags a two-point polygon, a crowd drawn as a polygon, a flat box and a keypoint past its box, each with its own bit', () => {
    const base = { bbox: [10, 10, 20, 20] as [number, number, number, number], area: 400, iscrowd: false, keypoints: null, caption: null };
    expect(annotationCheckFlags({ ...base, segmentation: [[10, 10, 30, 10, 30, 30, 10, 30]] })).to.equal(0);
    expect(annotationCheckFlags({ ...base, segmentation: [[10, 10, 30, 30]] })).to.equal(
      ANNOTATION_CHECK_FLAGS.polygon_too_few_points | ANNOTATION_CHECK_FLAGS.area_mismatch,
    );
    expect(annotationCheckFlags({ ...base, iscrowd: true, segmentation: [[10, 10, 30, 10, 30, 30, 10, 30]] })).to.equal(ANNOTATION_CHECK_FLAGS.crowd_polygon);
    expect(annotationCheckFlags({ ...base, bbox: [10, 10, 0, 20], segmentation: null })).to.equal(ANNOTATION_CHECK_FLAGS.box_degenerate);
    expect(annotationCheckFlags({ ...base, segmentation: null, keypoints: [12, 12, 2, 40, 12, 1] })).to.equal(ANNOTATION_CHECK_FLAGS.keypoints_outside_box);
    // Unlabelled (v = 0) keypoints may lie anywhere.
    expect(annotationCheckFlags({ ...base, segmentation: null, keypoints: [40, 12, 0] })).to.equal(0);
    expect(annotationCheckFlags({ ...base, segmentation: [[10, 10, 35, 10, 35, 30, 10, 30]] })).to.equal(ANNOTATION_CHECK_FLAGS.box_not_containing_polygon);
    expect(annotationCheckFlags({ ...base, caption: 'two dogs', bbox: [0, 0, 0, 0], segmentation: null })).to.equal(0);
  });

  describe('against the same rules in SQL over the stored JSON (the migration of older rows)', () => {
    let dir: string;
    let db: Database;

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'check-flags-'));
      db = await Database.open({ file: path.join(dir, 'flags.duckdb') });
    });
    after(async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('gives every random annotation the same flags as the SQL does, on rows with their RLE area stored or not', async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(annotation, { minLength: 1, maxLength: 40 }), async (fields) => {
          round++;
          const jobId = `job-${round}`;
          const records = fields.map((f, i) => record(f, i + 1));
          const conn = await db.connect();
          try {
            const appender = await TableAppender.open(conn, annotationsTable);
            records.forEach((r, i) => {
              // Every other uncompressed RLE stored as a version before schema 8 stored it, without mask_area:
              // the SQL then reads the area from its counts, as for a row of an older database.
              const counts = (r.segmentation as { counts?: unknown } | null)?.counts;
              const old = Array.isArray(counts) && i % 2 === 0;
              const row = old ? { ...r, mask_area: null, check_flags: annotationCheckFlags(r) } : r;
              appender.append({ id: round * 1000 + i, datasetId: 1, jobId, recordIndex: i, record: row });
            });
            appender.close();
          } finally {
            conn.closeSync();
          }
          const rows = await db.query(
            `SELECT coco_id, check_flags, ${CHECK_FLAGS_FROM_JSON_SQL} AS from_json FROM annotations WHERE job_id = ? ORDER BY coco_id`,
            [jobId],
          );
          const stored = rows.map((r) => [Number(r.coco_id), Number(r.check_flags), Number(r.from_json)]);
          expect(stored).to.deep.equal(records.map((r) => [r.id, annotationCheckFlags(r), annotationCheckFlags(r)]));
        }),
        { numRuns: 150, seed: 20261203 },
      );
    });
  });
});

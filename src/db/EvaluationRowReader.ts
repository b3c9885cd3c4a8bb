import type { Box } from '../evaluation/evaluationTypes.js';
import type { FirstResult } from '../evaluation/resultsBranch.js';
import type { StoredDetection, StoredGroundTruth, StoredImageRows } from '../evaluation/storedImageRows.js';
import type { Database } from './Database.js';
import type { Row } from './toPlainRows.js';

const b = (n: number): bigint => BigInt(n);

/** Which of the JSON columns of one table are read. */
export interface JsonColumns {
  segmentation: boolean;
  keypoints: boolean;
}

/** What {@link EvaluationRowReader} reads: a split's ground truth and a prediction set's results on its images. */
export interface EvaluationRowSource {
  datasetId: number;
  /** The split's ingest job: its samples and annotations. */
  splitJobId: string;
  /** The prediction set's name. */
  predictions: string;
  /**
   * Which JSON columns matching needs: masks only for `segm`, keypoints only for
   * `keypoints` (a box evaluation reads neither; reading, moving and parsing
   * every polygon for nothing was most of its cost). Default both.
   */
  columns?: { gt: JsonColumns; dt: JsonColumns };
}

/**
 * Reads the rows an evaluation matches, image by image in COCO id order, a
 * chunk of images at a time (keyset on the image id), so the main thread holds
 * one chunk's rows however large the split. Every image of the split comes,
 * those without annotations or predictions included (COCOeval evaluates every
 * ground-truth image). Segmentations and keypoints stay JSON text.
 */
export class EvaluationRowReader {
  readonly #db: Database;
  readonly #source: EvaluationRowSource;

  constructor(db: Database, source: EvaluationRowSource) {
    this.#db = db;
    this.#source = source;
  }

  /** Images of the split. */
  async imageCount(): Promise<number> {
    const [row] = await this.#db.query('SELECT count(*) AS n FROM samples WHERE job_id = ?', [this.#source.splitJobId]);
    return Number(row!.n);
  }

  /**
   * The set's first result (by position in its file), as far as `loadRes`
   * looks at it to decide how to read the set; null for a set without results.
   */
  async firstResult(): Promise<FirstResult | null> {
    const [first] = await this.#db.query(
      `SELECT caption, bbox_x, segmentation IS NOT NULL AS has_mask, keypoints IS NOT NULL AS has_keypoints
       FROM predictions WHERE dataset_id = ? AND set_name = ? ORDER BY record_index LIMIT 1`,
      [b(this.#source.datasetId), this.#source.predictions],
    );
    if (!first) return null;
    const result: FirstResult = {};
    if (first.caption !== null) result.caption = first.caption;
    if (first.bbox_x !== null) result.bbox = [first.bbox_x];
    if (first.has_mask) result.segmentation = true;
    if (first.has_keypoints) result.keypoints = true;
    return result;
  }

  /** The split's images with their rows, `chunkImages` images at a time, in COCO id order. */
  async *chunks(chunkImages: number): AsyncGenerator<StoredImageRows[]> {
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const images = await this.#db.query('SELECT id, coco_id, width, height FROM samples WHERE job_id = ? AND coco_id > ? ORDER BY coco_id LIMIT ?', [
        this.#source.splitJobId,
        b(after),
        b(chunkImages),
      ]);
      if (images.length === 0) return;
      const low = Number(images[0]!.coco_id);
      const high = Number(images.at(-1)!.coco_id);
      after = high;
      const [gts, dts] = [await this.#groundTruths(low, high), await this.#detections(low, high)];
      yield group(images, gts, dts);
      if (images.length < chunkImages) return;
    }
  }

  /** A JSON column as text, or null when matching does not need it. */
  #json(of: 'gt' | 'dt', column: keyof JsonColumns, prefix = ''): string {
    const wanted = this.#source.columns?.[of][column] ?? true;
    return wanted ? `CAST(${prefix}${column} AS VARCHAR) AS ${column}` : `NULL AS ${column}`;
  }

  async #groundTruths(low: number, high: number): Promise<Row[]> {
    return this.#db.query(
      `SELECT image_coco_id, id, coco_id, category_id, iscrowd, area, bbox_x, bbox_y, bbox_w, bbox_h,
              ${this.#json('gt', 'segmentation')}, ${this.#json('gt', 'keypoints')}, num_keypoints
       FROM annotations WHERE job_id = ? AND image_coco_id BETWEEN ? AND ? AND category_id IS NOT NULL
       ORDER BY image_coco_id, record_index`,
      [this.#source.splitJobId, b(low), b(high)],
    );
  }

  async #detections(low: number, high: number): Promise<Row[]> {
    return this.#db.query(
      `SELECT p.image_coco_id, p.id, p.record_index, p.category_id, p.score, p.bbox_x, p.bbox_y, p.bbox_w, p.bbox_h, p.area,
              ${this.#json('dt', 'segmentation', 'p.')}, ${this.#json('dt', 'keypoints', 'p.')}
       FROM predictions p
       WHERE p.dataset_id = ? AND p.set_name = ? AND p.image_coco_id BETWEEN ? AND ?
         -- By image id, as loadRes matches results: a prediction's sample_id names the first split with its image id,
         -- and splits that restart their ids (Roboflow, CVAT exports) would lose theirs.
         AND p.image_coco_id IN (SELECT coco_id FROM samples WHERE job_id = ? AND coco_id BETWEEN ? AND ?)
       ORDER BY p.image_coco_id, p.record_index`,
      [b(this.#source.datasetId), this.#source.predictions, b(low), b(high), this.#source.splitJobId, b(low), b(high)],
    );
  }
}

/** The chunk's rows grouped under their images (both lists come sorted by image id). */
function group(images: Row[], gts: Row[], dts: Row[]): StoredImageRows[] {
  let g = 0;
  let d = 0;
  return images.map((image) => {
    const imageId = Number(image.coco_id);
    const rows: StoredImageRows = { sampleId: Number(image.id), imageId, width: Number(image.width ?? 0), height: Number(image.height ?? 0), gts: [], dts: [] };
    while (g < gts.length && Number(gts[g]!.image_coco_id) === imageId) rows.gts.push(groundTruth(gts[g++]!));
    while (d < dts.length && Number(dts[d]!.image_coco_id) === imageId) rows.dts.push(detection(dts[d++]!));
    return rows;
  });
}

function box(row: Row): Box | null {
  return row.bbox_x === null ? null : [Number(row.bbox_x), Number(row.bbox_y), Number(row.bbox_w), Number(row.bbox_h)];
}

function groundTruth(row: Row): StoredGroundTruth {
  return {
    rowId: Number(row.id),
    id: Number(row.coco_id),
    categoryId: Number(row.category_id),
    iscrowd: row.iscrowd === true,
    area: Number(row.area ?? 0),
    bbox: box(row),
    segmentation: (row.segmentation as string | null) ?? null,
    keypoints: (row.keypoints as string | null) ?? null,
    numKeypoints: row.num_keypoints === null ? null : Number(row.num_keypoints),
  };
}

function detection(row: Row): StoredDetection {
  return {
    rowId: Number(row.id),
    resultId: Number(row.record_index) + 1,
    categoryId: Number(row.category_id),
    score: Number(row.score),
    bbox: box(row),
    area: row.area === null ? null : Number(row.area),
    segmentation: (row.segmentation as string | null) ?? null,
    keypoints: (row.keypoints as string | null) ?? null,
  };
}

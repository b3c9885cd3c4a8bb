import { type BatchText, DT, type EvaluationBatch, GT, IMAGE } from '../evaluation/EvaluationBatch.js';
import type { FirstResult } from '../evaluation/resultsBranch.js';
import type { Database } from './Database.js';
import type { NumericRows } from './NumericRows.js';

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

/** A chunk of a split's images with their rows, and each image's sample id (which stays on the main thread). */
export interface EvaluationChunk {
  batch: EvaluationBatch;
  sampleIds: Float64Array;
}

/**
 * Reads the rows an evaluation matches, image by image in COCO id order, a
 * chunk of images at a time (keyset on the image id), so the main thread holds
 * a chunk's rows (two while the next is read ahead) however large the split. Every image of the split comes,
 * those without annotations or predictions included (COCOeval evaluates every
 * ground-truth image). Rows come as numbers in columns, straight from
 * DuckDB's vectors; segmentations and keypoints stay JSON text.
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
  async *chunks(chunkImages: number): AsyncGenerator<EvaluationChunk> {
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const images = await this.#db.queryNumeric(
        `SELECT CAST(id AS DOUBLE), CAST(coco_id AS DOUBLE), CAST(coalesce(width, 0) AS DOUBLE), CAST(coalesce(height, 0) AS DOUBLE)
         FROM samples WHERE job_id = ? AND coco_id > ? ORDER BY coco_id LIMIT ?`,
        [this.#source.splitJobId, b(after), b(chunkImages)],
      );
      if (images.rowCount === 0) return;
      const low = images.values[1]!;
      const high = images.values[(images.rowCount - 1) * images.stride + 1]!;
      after = high;
      // On two read connections at once.
      const [gts, dts] = await Promise.all([this.#groundTruths(low, high), this.#detections(low, high)]);
      yield chunkOf(images, gts, dts, this.#wanted('gt'), this.#wanted('dt'));
      if (images.rowCount < chunkImages) return;
    }
  }

  /** Which JSON columns of a table are read. */
  #wanted(of: 'gt' | 'dt'): JsonColumns {
    return this.#source.columns?.[of] ?? { segmentation: true, keypoints: true };
  }

  /** The select list's JSON columns as text, those matching does not need left out. */
  #json(of: 'gt' | 'dt', prefix = ''): string {
    const wanted = this.#wanted(of);
    return (['segmentation', 'keypoints'] as const)
      .filter((column) => wanted[column])
      .map((column) => `, CAST(${prefix}${column} AS VARCHAR)`)
      .join('');
  }

  /** In {@link GT}'s order, then the JSON columns read. */
  async #groundTruths(low: number, high: number): Promise<NumericRows> {
    return this.#db.queryNumeric(
      `SELECT CAST(image_coco_id AS DOUBLE), CAST(id AS DOUBLE), CAST(coco_id AS DOUBLE), CAST(category_id AS DOUBLE), CAST(iscrowd AS DOUBLE),
              CAST(area AS DOUBLE), CAST(bbox_x AS DOUBLE), CAST(bbox_y AS DOUBLE), CAST(bbox_w AS DOUBLE), CAST(bbox_h AS DOUBLE),
              CAST(num_keypoints AS DOUBLE)${this.#json('gt')}
       FROM annotations
       WHERE job_id = ? AND image_coco_id BETWEEN ? AND ? AND category_id IS NOT NULL
         -- Of the split's images only, as COCOeval takes a split's annotations (getAnnIds(imgIds=...)).
         AND image_coco_id IN (SELECT coco_id FROM samples WHERE job_id = ? AND coco_id BETWEEN ? AND ?)
       ORDER BY image_coco_id, record_index`,
      [this.#source.splitJobId, b(low), b(high), this.#source.splitJobId, b(low), b(high)],
    );
  }

  /** In {@link DT}'s order (the result id is `loadRes`'s: the position in the file, plus one), then the JSON columns read. */
  async #detections(low: number, high: number): Promise<NumericRows> {
    return this.#db.queryNumeric(
      `SELECT CAST(p.image_coco_id AS DOUBLE), CAST(p.id AS DOUBLE), CAST(p.record_index + 1 AS DOUBLE), CAST(p.category_id AS DOUBLE),
              CAST(p.score AS DOUBLE), CAST(p.bbox_x AS DOUBLE), CAST(p.bbox_y AS DOUBLE), CAST(p.bbox_w AS DOUBLE), CAST(p.bbox_h AS DOUBLE),
              CAST(p.area AS DOUBLE)${this.#json('dt', 'p.')}
       FROM predictions p
       WHERE p.dataset_id = ? AND p.set_name = ? AND p.image_coco_id BETWEEN ? AND ?
         -- A caption result (no category, no score) is no detection: loadRes would fail on it, COCOeval never scores it.
         AND p.category_id IS NOT NULL AND p.score IS NOT NULL
         -- By image id, as loadRes matches results: a prediction's sample_id names the first split with its image id,
         -- and splits that restart their ids (Roboflow, CVAT exports) would lose theirs.
         AND p.image_coco_id IN (SELECT coco_id FROM samples WHERE job_id = ? AND coco_id BETWEEN ? AND ?)
       ORDER BY p.image_coco_id, p.record_index`,
      [b(this.#source.datasetId), this.#source.predictions, b(low), b(high), this.#source.splitJobId, b(low), b(high)],
    );
  }
}

/** The chunk's images with their rows counted under them (both tables come sorted by image id). */
function chunkOf(images: NumericRows, gts: NumericRows, dts: NumericRows, gtJson: JsonColumns, dtJson: JsonColumns): EvaluationChunk {
  const n = images.rowCount;
  const sampleIds = new Float64Array(n);
  const layout = new Float64Array(n * IMAGE.stride);
  let g = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const imageId = images.values[i * images.stride + 1]!;
    sampleIds[i] = images.values[i * images.stride]!;
    const at = i * IMAGE.stride;
    layout[at + IMAGE.id] = imageId;
    layout[at + IMAGE.width] = images.values[i * images.stride + 2]!;
    layout[at + IMAGE.height] = images.values[i * images.stride + 3]!;
    const g0 = g;
    const d0 = d;
    while (g < gts.rowCount && gts.values[g * GT.stride + GT.imageId] === imageId) g++;
    while (d < dts.rowCount && dts.values[d * DT.stride + DT.imageId] === imageId) d++;
    layout[at + IMAGE.gts] = g - g0;
    layout[at + IMAGE.dts] = d - d0;
  }
  // Both queries keep the chunk's images' rows only, so every row has found its image; a row left over would shift
  // every later image's rows.
  if (g !== gts.rowCount || d !== dts.rowCount) {
    throw new Error(`evaluation rows out of step with their images: ${gts.rowCount - g} ground truths and ${dts.rowCount - d} predictions left over`);
  }
  return {
    sampleIds,
    batch: {
      images: layout,
      gts: gts.values,
      dts: dts.values,
      gtText: textOf(gts, gtJson),
      dtText: textOf(dts, dtJson),
    },
  };
}

/** The text columns read, in the select list's order, under their names. */
function textOf(rows: NumericRows, read: JsonColumns): BatchText {
  let next = 0;
  return {
    segmentation: read.segmentation ? rows.text[next++]! : null,
    keypoints: read.keypoints ? rows.text[next++]! : null,
  };
}

import type { Box, EvalDetection, EvalGroundTruth, EvalImageInput } from './evaluationTypes.js';

/** Where each image's numbers sit in {@link EvaluationBatch.images}. */
export const IMAGE = { id: 0, width: 1, height: 2, gts: 3, dts: 4, stride: 5 } as const;
/** Where each ground truth's numbers sit in {@link EvaluationBatch.gts}: `iscrowd` is 0 or 1; NaN stands for NULL. */
export const GT = { imageId: 0, rowId: 1, id: 2, categoryId: 3, iscrowd: 4, area: 5, x: 6, y: 7, w: 8, h: 9, numKeypoints: 10, stride: 11 } as const;
/** Where each prediction's numbers sit in {@link EvaluationBatch.dts}; NaN stands for NULL. */
export const DT = { imageId: 0, rowId: 1, resultId: 2, categoryId: 3, score: 4, x: 5, y: 6, w: 7, h: 8, area: 9, stride: 10 } as const;

/** One table's JSON columns as text, a value per row; null when matching does not read the column. */
export interface BatchText {
  segmentation: (string | null)[] | null;
  keypoints: (string | null)[] | null;
}

/**
 * Consecutive images of one evaluation with their ground truths and
 * predictions, in columns: numbers in one row-major array per table (the
 * layouts {@link IMAGE}, {@link GT}, {@link DT}), rows grouped by image in the
 * images' order, and the JSON columns as text, parsed by the worker. The main
 * thread reads it from DuckDB and sends it to a worker: cloning a few typed
 * arrays costs a copy each, where thousands of small objects cost the main
 * thread (the evaluation's bottleneck) more than the matching.
 */
export interface EvaluationBatch {
  /** Per image: COCO id, width, height, number of ground truths, number of predictions. */
  images: Float64Array;
  gts: Float64Array;
  dts: Float64Array;
  gtText: BatchText;
  dtText: BatchText;
}

/** Images in a batch. */
export function imageCount(batch: EvaluationBatch): number {
  return batch.images.length / IMAGE.stride;
}

/** Where a run of images' rows start and end in a batch's tables (ground truths and predictions). */
export interface RowRange {
  gtStart: number;
  gtEnd: number;
  dtStart: number;
  dtEnd: number;
}

/** Images `from` to `to` (exclusive) of a batch, with their rows (`rows`, which the caller has counted), in arrays of their own. */
export function sliceBatch(batch: EvaluationBatch, from: number, to: number, rows: RowRange): EvaluationBatch {
  const text = (t: BatchText, start: number, end: number): BatchText => ({
    segmentation: t.segmentation?.slice(start, end) ?? null,
    keypoints: t.keypoints?.slice(start, end) ?? null,
  });
  return {
    images: batch.images.slice(from * IMAGE.stride, to * IMAGE.stride),
    gts: batch.gts.slice(rows.gtStart * GT.stride, rows.gtEnd * GT.stride),
    dts: batch.dts.slice(rows.dtStart * DT.stride, rows.dtEnd * DT.stride),
    gtText: text(batch.gtText, rows.gtStart, rows.gtEnd),
    dtText: text(batch.dtText, rows.dtStart, rows.dtEnd),
  };
}

/**
 * The matching's input for each image of a batch: its JSON parsed, NaN read as NULL. Runs in the worker.
 * @throws SyntaxError naming the image whose stored JSON does not parse
 */
export function batchImages(batch: EvaluationBatch): EvalImageInput[] {
  const { images } = batch;
  const inputs: EvalImageInput[] = [];
  let g = 0;
  let d = 0;
  for (let i = 0; i < images.length; i += IMAGE.stride) {
    const input: EvalImageInput = { imageId: images[i + IMAGE.id]!, width: images[i + IMAGE.width]!, height: images[i + IMAGE.height]!, gts: [], dts: [] };
    try {
      for (let end = g + images[i + IMAGE.gts]!; g < end; g++) input.gts.push(groundTruth(batch, g));
      for (let end = d + images[i + IMAGE.dts]!; d < end; d++) input.dts.push(detection(batch, d));
    } catch (err) {
      if (err instanceof SyntaxError) throw new SyntaxError(`image ${input.imageId}: ${err.message}`);
      throw err;
    }
    inputs.push(input);
  }
  return inputs;
}

function groundTruth(batch: EvaluationBatch, g: number): EvalGroundTruth {
  const v = batch.gts;
  const at = g * GT.stride;
  const area = v[at + GT.area]!;
  const numKeypoints = v[at + GT.numKeypoints]!;
  return {
    rowId: v[at + GT.rowId]!,
    id: v[at + GT.id]!,
    categoryId: v[at + GT.categoryId]!,
    iscrowd: v[at + GT.iscrowd] === 1,
    area: Number.isNaN(area) ? 0 : area,
    bbox: box(v, at + GT.x),
    segmentation: parse(batch.gtText.segmentation, g),
    keypoints: parse(batch.gtText.keypoints, g) as number[] | null,
    numKeypoints: Number.isNaN(numKeypoints) ? null : numKeypoints,
  };
}

function detection(batch: EvaluationBatch, d: number): EvalDetection {
  const v = batch.dts;
  const at = d * DT.stride;
  const area = v[at + DT.area]!;
  return {
    rowId: v[at + DT.rowId]!,
    resultId: v[at + DT.resultId]!,
    categoryId: v[at + DT.categoryId]!,
    score: v[at + DT.score]!,
    bbox: box(v, at + DT.x),
    area: Number.isNaN(area) ? null : area,
    segmentation: parse(batch.dtText.segmentation, d),
    keypoints: parse(batch.dtText.keypoints, d) as number[] | null,
  };
}

function box(v: Float64Array, at: number): Box | null {
  return Number.isNaN(v[at]!) ? null : [v[at]!, v[at + 1]!, v[at + 2]!, v[at + 3]!];
}

function parse(column: (string | null)[] | null, index: number): unknown {
  const text = column?.[index] ?? null;
  return text === null ? null : JSON.parse(text);
}

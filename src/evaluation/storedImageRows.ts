import type { EvalDetection, EvalGroundTruth, EvalImageInput } from './evaluationTypes.js';

/** A ground truth as read from DuckDB: its segmentation and keypoints still JSON text, parsed by the worker that matches it. */
export type StoredGroundTruth = Omit<EvalGroundTruth, 'segmentation' | 'keypoints'> & { segmentation: string | null; keypoints: string | null };

/** A prediction as read from DuckDB, its segmentation and keypoints still JSON text. */
export type StoredDetection = Omit<EvalDetection, 'segmentation' | 'keypoints'> & { segmentation: string | null; keypoints: string | null };

/**
 * One image's rows as the main thread reads them and the pool receives them:
 * the JSON columns are parsed in the worker, off the main thread, which only
 * moves text. `sampleId` stays on the main thread's side (outcome rows name it).
 */
export interface StoredImageRows {
  sampleId: number;
  imageId: number;
  width: number;
  height: number;
  gts: StoredGroundTruth[];
  dts: StoredDetection[];
}

/** The matching's input for one image's stored rows. */
export function toEvalImage(rows: StoredImageRows): EvalImageInput {
  return {
    imageId: rows.imageId,
    width: rows.width,
    height: rows.height,
    gts: rows.gts.map((g) => ({ ...g, segmentation: parse(g.segmentation), keypoints: parse(g.keypoints) as number[] | null })),
    dts: rows.dts.map((d) => ({ ...d, segmentation: parse(d.segmentation), keypoints: parse(d.keypoints) as number[] | null })),
  };
}

function parse(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

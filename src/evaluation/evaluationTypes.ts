/**
 * The values of COCO evaluation's matching, one image at a time, as the worker
 * that matches it sees them: its rows (decoded from an `EvaluationBatch`) and
 * its results (encoded into `BatchMatches` for the trip back to the main
 * thread, which accumulates per category and writes the outcomes).
 */

/** What is scored: boxes, masks or keypoints (COCOeval's `iouType`). */
export type IouType = 'bbox' | 'segm' | 'keypoints';

/**
 * How pycocotools' `loadRes` read the prediction set, which it decides from the
 * set's first result alone: `bbox` when that result has a non-empty `bbox`
 * (area = w*h), else `segm` when it has a `segmentation` (area and, when
 * missing, bbox from the mask), else `keypoints` (area and bbox from the
 * keypoints' extent).
 */
export type ResultsBranch = 'bbox' | 'segm' | 'keypoints';

/** `[x, y, width, height]`. */
export type Box = [number, number, number, number];

/** A ground-truth annotation of the evaluated split, as stored. */
export interface EvalGroundTruth {
  /** The annotation's row id (`annotations.id`). */
  rowId: number;
  /** Its COCO id (`annotations.coco_id`), which pycocotools' matches name. */
  id: number;
  categoryId: number;
  iscrowd: boolean;
  area: number;
  bbox: Box | null;
  /** The parsed `segmentation`: polygons, or an RLE with a counts list or string. */
  segmentation: unknown;
  keypoints: number[] | null;
  numKeypoints: number | null;
}

/** A prediction of the evaluated set, as stored. */
export interface EvalDetection {
  /** The prediction's row id (`predictions.id`). */
  rowId: number;
  /** The id `loadRes` gives it: its position in the results file, plus one. */
  resultId: number;
  categoryId: number;
  score: number;
  bbox: Box | null;
  area: number | null;
  segmentation: unknown;
  keypoints: number[] | null;
}

/** One image's rows: the unit of matching. */
export interface EvalImageInput {
  /** The image's COCO id. */
  imageId: number;
  width: number;
  height: number;
  gts: EvalGroundTruth[];
  dts: EvalDetection[];
}

/** What every image of one evaluation is matched with. */
export interface EvalSettings {
  iouType: IouType;
  branch: ResultsBranch;
  /** The ground truth's category ids, sorted (COCOeval's `params.catIds`). */
  catIds: number[];
  /** OKS sigmas, one per keypoint (keypoints only): COCO's 17 unless the request gave others. */
  sigmas: number[];
}

/** A prediction's fate at one IoU threshold (area all, the last maxDets). */
export type PredictionOutcome = 'tp' | 'fp' | 'ignored';
/** A ground truth's fate at one IoU threshold (area all, the last maxDets). */
export type GroundTruthOutcome = 'tp' | 'fn' | 'ignored';

/** A prediction's outcomes at IoU 0.5 and 0.75, as stored. */
export interface PredictionOutcomeRow {
  rowId: number;
  outcome50: PredictionOutcome;
  /** The matched ground truth's row id, or null. */
  matched50: number | null;
  /** The IoU (OKS for keypoints) with it, or null. */
  iou50: number | null;
  outcome75: PredictionOutcome;
  matched75: number | null;
  iou75: number | null;
  /**
   * The non-crowd ground truth of another category it overlaps most (IoU >= 0.5),
   * for the confusion matrix; null when none.
   */
  confusedWith: number | null;
  confusedIou: number | null;
}

/** A ground truth's outcomes at IoU 0.5 and 0.75, as stored. */
export interface GroundTruthOutcomeRow {
  rowId: number;
  outcome50: GroundTruthOutcome;
  /** The matching prediction's row id, or null. */
  matched50: number | null;
  iou50: number | null;
  outcome75: GroundTruthOutcome;
  matched75: number | null;
  iou75: number | null;
}

/**
 * One (image, category) of COCOeval's `evalImgs` as the accumulator reads it:
 * the detections' scores in evaluated order (score, stable, capped at the last
 * maxDets) and, for each area range, `evaluateImg`'s `T x D` dtMatches and
 * dtIgnore and the ground truths' ignore flags. `encodeMatches` packs them into bits.
 */
export interface CategoryImageMatch {
  categoryId: number;
  scores: readonly number[];
  byArea: readonly { dtMatches: readonly number[]; dtIgnore: readonly number[]; gtIgnore: readonly number[] }[];
}

/** One image's matching, before `encodeMatches` packs a batch of them; outcomes in the order of the image's rows. */
export interface ImageMatchResult {
  imageId: number;
  categories: CategoryImageMatch[];
  predictions: PredictionOutcomeRow[];
  groundTruths: GroundTruthOutcomeRow[];
}

/** One category's figures, as detectron2 and mmdetection report them (-1 where it has no ground truth). */
export interface CategoryFigures {
  categoryId: number;
  /** Mean of `precision[:, :, k, area all, last maxDets]` over entries > -1. */
  AP: number;
  AP50: number;
  AP75: number;
  /** Mean of `recall[:, k, area all, last maxDets]` over entries > -1. */
  AR100: number;
  /** pycocotools' 101-point precision at IoU 0.5 (area all, last maxDets), -1 where undefined. */
  precision50: number[];
  /** The same at IoU 0.75. */
  precision75: number[];
}

/** What accumulation and summarising give. */
export interface EvaluationFigures {
  /** COCOeval's `stats`, in its order: 12 numbers for bbox and segm, 10 for keypoints. */
  summary: number[];
  /** The same numbers by name (`AP`, `AP50`, `AP75`, `AP_small`, ... `AR_large`). */
  stats: Record<string, number>;
  /** Each of `catIds`, in its order. */
  perCategory: CategoryFigures[];
}

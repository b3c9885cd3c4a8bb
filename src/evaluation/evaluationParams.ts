import type { IouType } from './evaluationTypes.js';

/** An area range `[min, max]` in pixels and its label, as COCOeval's `areaRng` / `areaRngLbl`. */
export interface AreaRange {
  label: string;
  range: [number, number];
}

/**
 * COCOeval's `Params`, the one place the defaults live. Every field is what
 * pycocotools' `setDetParams` / `setKpParams` set; the summary's 12 (10) lines
 * are only meaningful with these.
 */
export interface EvaluationParams {
  /** IoU thresholds: `np.linspace(.5, .95, 10)`. */
  iouThrs: Float64Array;
  /** Recall thresholds: `np.linspace(0, 1, 101)`. */
  recThrs: Float64Array;
  /** `[1, 10, 100]` (keypoints `[20]`); matching keeps the last. */
  maxDets: number[];
  /** all, small, medium, large (keypoints: all, medium, large). */
  areaRanges: AreaRange[];
}

/** COCO's 17 person keypoint sigmas (COCOeval's `kpt_oks_sigmas`). */
export const COCO_KEYPOINT_SIGMAS: readonly number[] = [
  0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89,
].map((s) => s / 10);

/** The index of IoU 0.5 and of IoU 0.75 in `iouThrs` (the outcome rows' thresholds). */
export const IOU50_INDEX = 0;
export const IOU75_INDEX = 5;

/** numpy's `linspace(start, stop, num)`: `i * step + start`, the last exactly `stop`. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const step = (stop - start) / (num - 1);
  const out = new Float64Array(num);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

const ALL: AreaRange = { label: 'all', range: [0, 1e10] };
const SMALL: AreaRange = { label: 'small', range: [0, 1024] };
const MEDIUM: AreaRange = { label: 'medium', range: [1024, 9216] };
const LARGE: AreaRange = { label: 'large', range: [9216, 1e10] };

/** The parameters COCOeval uses for an IoU type. */
export function evaluationParams(iouType: IouType): EvaluationParams {
  const keypoints = iouType === 'keypoints';
  return {
    iouThrs: linspace(0.5, 0.95, 10),
    recThrs: linspace(0, 1, 101),
    maxDets: keypoints ? [20] : [1, 10, 100],
    areaRanges: keypoints ? [ALL, MEDIUM, LARGE] : [ALL, SMALL, MEDIUM, LARGE],
  };
}

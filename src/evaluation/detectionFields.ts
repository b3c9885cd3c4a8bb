import { EvaluationInputError } from './EvaluationInputError.js';
import type { Box, EvalDetection, ResultsBranch } from './evaluationTypes.js';
import { annToRle } from './mask/annToRle.js';
import type { Rle } from './mask/Rle.js';
import { rleArea } from './mask/rleArea.js';
import { rleToBbox } from './mask/rleToBbox.js';

/** A prediction's fields as `COCO.loadRes` leaves them, which is what COCOeval compares. */
export interface DetectionFields {
  readonly area: number;
  /** In the segm branch derived when first read: only a bbox evaluation of masks reads it, and it walks the whole mask. */
  readonly bbox: Box | null;
  /** The segmentation (the box's polygon in the bbox branch when the result had none). */
  segmentation: unknown;
  /** Its mask, when the branch already needed it (segm). */
  rle: Rle | null;
}

/**
 * What `loadRes` derives for one result, by the set's branch: `bbox`: area =
 * w*h and, without a segmentation, the box as a polygon; `segm`: area = the
 * mask's pixel count, bbox = the mask's box when absent; `keypoints`: area and
 * bbox from the keypoints' extent (zeros of absent keypoints included). The
 * stored `area` is never used: `loadRes` overwrites it.
 * @throws EvaluationInputError when the result lacks what its branch reads
 */
export function detectionFields(dt: EvalDetection, branch: ResultsBranch, height: number, width: number): DetectionFields {
  const what = `prediction ${dt.resultId} (row ${dt.rowId})`;
  if (branch === 'bbox') {
    const bb = dt.bbox;
    if (bb === null) throw new EvaluationInputError(`${what}: the results are boxes (the first has a bbox) but this one has no bbox`);
    const [x1, y1] = bb;
    const x2 = bb[0] + bb[2];
    const y2 = bb[1] + bb[3];
    const segmentation = dt.segmentation ?? [[x1, y1, x1, y2, x2, y2, x2, y1]];
    return { area: bb[2] * bb[3], bbox: bb, segmentation, rle: null };
  }
  if (branch === 'segm') {
    if (dt.segmentation === null || dt.segmentation === undefined) {
      throw new EvaluationInputError(`${what}: the results are masks (the first has a segmentation) but this one has none`);
    }
    const rle = annToRle(dt.segmentation, height, width, what);
    let bbox = dt.bbox;
    return {
      area: rleArea(rle),
      get bbox() {
        bbox ??= rleToBbox(rle);
        return bbox;
      },
      segmentation: dt.segmentation,
      rle,
    };
  }
  const kps = dt.keypoints;
  if (kps === null || kps.length === 0) throw new EvaluationInputError(`${what}: the results are keypoints but this one has none`);
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < kps.length; i += 3) {
    x0 = Math.min(x0, kps[i]!);
    x1 = Math.max(x1, kps[i]!);
  }
  for (let i = 1; i < kps.length; i += 3) {
    y0 = Math.min(y0, kps[i]!);
    y1 = Math.max(y1, kps[i]!);
  }
  return { area: (x1 - x0) * (y1 - y0), bbox: [x0, y0, x1 - x0, y1 - y0], segmentation: dt.segmentation, rle: null };
}

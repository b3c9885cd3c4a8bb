import { computeOks, type OksGroundTruth, oks } from './computeOks.js';
import { type DetectionFields, detectionFields } from './detectionFields.js';
import { EvaluationInputError } from './EvaluationInputError.js';
import type { Box, EvalImageInput, EvalSettings } from './evaluationTypes.js';
import { annToRle } from './mask/annToRle.js';
import { bbIou } from './mask/bbIou.js';
import type { Rle } from './mask/Rle.js';
import { rleIou } from './mask/rleIou.js';
import { rleToBbox } from './mask/rleToBbox.js';

/**
 * One image's shapes as the IoU type compares them, each derived once and
 * only when asked: the predictions' `loadRes` fields, boxes, masks (polygons
 * rasterised at the image's size) and keypoints. Indices are positions in
 * `input.gts` / `input.dts`.
 */
export class ImageGeometry {
  readonly #input: EvalImageInput;
  readonly #settings: EvalSettings;
  readonly #vars: Float64Array | null;
  readonly #dtFields: (DetectionFields | undefined)[] = [];
  readonly #gtRles: (Rle | undefined)[] = [];
  readonly #dtRles: (Rle | undefined)[] = [];
  /** Each mask's box, walked once: every category's IoUs and every confusion check compare the boxes first. */
  readonly #gtMaskBoxes: (Box | undefined)[] = [];
  readonly #dtMaskBoxes: (Box | undefined)[] = [];

  constructor(input: EvalImageInput, settings: EvalSettings, vars: Float64Array | null) {
    this.#input = input;
    this.#settings = settings;
    this.#vars = vars;
  }

  /** The prediction's fields as `loadRes` leaves them. */
  dt(d: number): DetectionFields {
    let fields = this.#dtFields[d];
    if (fields === undefined) {
      fields = detectionFields(this.#input.dts[d]!, this.#settings.branch, this.#input.height, this.#input.width);
      this.#dtFields[d] = fields;
    }
    return fields;
  }

  /** `D x G` row-major IoUs (OKS for keypoints) of the detections with the ground truths, null when either is empty. */
  ious(dts: readonly number[], gts: readonly number[]): ArrayLike<number> | null {
    if (dts.length === 0 || gts.length === 0) return null;
    const crowd = gts.map((g) => (this.#input.gts[g]!.iscrowd ? 1 : 0));
    switch (this.#settings.iouType) {
      case 'bbox':
        return bbIou(
          dts.map((d) => this.#dtBox(d)),
          gts.map((g) => this.#gtBox(g)),
          crowd,
        );
      case 'segm':
        return rleIou(
          dts.map((d) => this.#dtRle(d)),
          gts.map((g) => this.#gtRle(g)),
          crowd,
          { dt: dts.map((d) => this.#dtMaskBox(d)), gt: gts.map((g) => this.#gtMaskBox(g)) },
        );
      default:
        return computeOks(
          dts.map((d) => this.#dtKeypoints(d)),
          gts.map((g) => this.#gtOks(g)),
          this.#vars!,
        );
    }
  }

  /** One pair's IoU (OKS), crowd rule off: for the confusion with another category. */
  iou(d: number, g: number): number {
    switch (this.#settings.iouType) {
      case 'bbox':
        return bbIou([this.#dtBox(d)], [this.#gtBox(g)], [0])[0]!;
      case 'segm': {
        // Most ground truths of other categories lie elsewhere in the image: a polygon's extent rules them out
        // without rasterising it.
        const extent = this.#gtMaskBoxes[g] ?? polygonExtent(this.#input.gts[g]!.segmentation);
        if (extent !== null && !boxesMeet(this.#dtMaskBox(d), extent)) return 0;
        return rleIou([this.#dtRle(d)], [this.#gtRle(g)], [0], { dt: [this.#dtMaskBox(d)], gt: [this.#gtMaskBox(g)] })[0]!;
      }
      default: {
        const kps = this.#input.gts[g]!.keypoints;
        if (kps === null || kps.length !== this.#vars!.length * 3) return 0;
        return oks(this.#dtKeypoints(d), this.#gtOks(g), this.#vars!);
      }
    }
  }

  #gtWhat(g: number): string {
    const gt = this.#input.gts[g]!;
    return `ground truth ${gt.id} (row ${gt.rowId}) of image ${this.#input.imageId}`;
  }

  #gtBox(g: number): Box {
    const bbox = this.#input.gts[g]!.bbox;
    if (bbox === null) throw new EvaluationInputError(`${this.#gtWhat(g)} has no bbox`);
    return bbox;
  }

  #gtRle(g: number): Rle {
    let rle = this.#gtRles[g];
    if (rle === undefined) {
      const { segmentation } = this.#input.gts[g]!;
      if (segmentation === null || segmentation === undefined) throw new EvaluationInputError(`${this.#gtWhat(g)} has no segmentation`);
      rle = annToRle(segmentation, this.#input.height, this.#input.width, this.#gtWhat(g));
      this.#gtRles[g] = rle;
    }
    return rle;
  }

  #gtMaskBox(g: number): Box {
    this.#gtMaskBoxes[g] ??= rleToBbox(this.#gtRle(g));
    return this.#gtMaskBoxes[g];
  }

  #dtMaskBox(d: number): Box {
    this.#dtMaskBoxes[d] ??= rleToBbox(this.#dtRle(d));
    return this.#dtMaskBoxes[d];
  }

  #gtOks(g: number): OksGroundTruth {
    const gt = this.#input.gts[g]!;
    const k = this.#vars!.length;
    if (gt.keypoints === null || gt.keypoints.length !== k * 3) {
      const count = gt.keypoints === null ? 'no keypoints' : `${gt.keypoints.length / 3} keypoints`;
      throw new EvaluationInputError(
        `${this.#gtWhat(g)} has ${count} but the OKS sigmas are for ${k}: pass \`sigmas\` with one value per keypoint of its category`,
      );
    }
    return { keypoints: gt.keypoints, bbox: this.#gtBox(g), area: gt.area };
  }

  #dtBox(d: number): Box {
    const { bbox } = this.dt(d);
    if (bbox === null) throw new EvaluationInputError(`prediction ${this.#input.dts[d]!.resultId} (row ${this.#input.dts[d]!.rowId}) has no bbox`);
    return bbox;
  }

  #dtRle(d: number): Rle {
    let rle = this.#dtRles[d];
    if (rle === undefined) {
      const fields = this.dt(d);
      const what = `prediction ${this.#input.dts[d]!.resultId} (row ${this.#input.dts[d]!.rowId})`;
      if (fields.segmentation === null || fields.segmentation === undefined) throw new EvaluationInputError(`${what} has no segmentation`);
      rle = fields.rle ?? annToRle(fields.segmentation, this.#input.height, this.#input.width, what);
      this.#dtRles[d] = rle;
    }
    return rle;
  }

  #dtKeypoints(d: number): ArrayLike<number> {
    const dt = this.#input.dts[d]!;
    const k = this.#vars!.length;
    if (dt.keypoints === null || dt.keypoints.length !== k * 3) {
      throw new EvaluationInputError(
        `prediction ${dt.resultId} (row ${dt.rowId}) has ${dt.keypoints === null ? 'no' : dt.keypoints.length / 3} keypoints, the OKS sigmas ${k}`,
      );
    }
    return dt.keypoints;
  }
}

/**
 * The box `[x, y, w, h]` that holds a polygon segmentation's mask, with a
 * margin of two pixels for the rasterisation's rounding; null for an RLE or
 * anything else (its mask must be decoded to know).
 */
function polygonExtent(segmentation: unknown): Box | null {
  if (!Array.isArray(segmentation) || segmentation.length === 0) return null;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const polygon of segmentation) {
    if (!Array.isArray(polygon)) return null;
    for (let i = 0; i + 1 < polygon.length; i += 2) {
      const px = polygon[i];
      const py = polygon[i + 1];
      if (typeof px !== 'number' || typeof py !== 'number' || !Number.isFinite(px) || !Number.isFinite(py)) return null;
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
    }
  }
  if (x0 > x1) return null;
  return [x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4];
}

/** Whether two `[x, y, w, h]` boxes share any area (or touch). */
function boxesMeet(a: Box, b: Box): boolean {
  return a[0] <= b[0] + b[2] && b[0] <= a[0] + a[2] && a[1] <= b[1] + b[3] && b[1] <= a[1] + a[3];
}

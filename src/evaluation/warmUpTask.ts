import { rleToString } from '../formats/panoptic/rle.js';
import { DT, type EvaluationBatch, GT, IMAGE } from './EvaluationBatch.js';
import { COCO_KEYPOINT_SIGMAS } from './evaluationParams.js';
import type { EvalSettings, IouType } from './evaluationTypes.js';
import { rleFrPoly } from './mask/rleFrPoly.js';

/** What the warm-up generates per image: enough rows of each kind (crowds, misses, other classes) to take every branch of matching; COCO's 80 categories (one for keypoints), so accumulation runs per category as often as in a real job. */
const WARM_UP = { width: 640, height: 480, gtsPerImage: 6, dtsPerImage: 7, categories: 80, keypoints: COCO_KEYPOINT_SIGMAS.length } as const;

/**
 * A synthetic evaluation batch of `images` images, their ids from `firstImage + 1` on, and the settings to match it
 * with, for one IoU type: boxes; polygons, crowd RLEs with counts lists and
 * predictions as compressed RLE strings; or 17 keypoints. Deterministic (a
 * linear congruential sequence seeded by `firstImage`), so every warm-up does the same work.
 * Matching it once compiles the matching code a first real job would
 * otherwise run interpreted (see `warmEvaluation`).
 */
export function warmUpTask(iouType: IouType, firstImage: number, images: number): { settings: EvalSettings; batch: EvaluationBatch } {
  let seed = firstImage + 1;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const { width, height, gtsPerImage, dtsPerImage } = WARM_UP;
  const settings = warmUpSettings(iouType);
  const categories = settings.catIds.length;
  const categoryOf = (image: number, k: number) => 1 + ((image * gtsPerImage + k) % categories);
  const imageRows = new Float64Array(images * IMAGE.stride);
  const gts = new Float64Array(images * gtsPerImage * GT.stride);
  const dts = new Float64Array(images * dtsPerImage * DT.stride);
  const gtText = { segmentation: iouType === 'segm' ? ([] as string[]) : null, keypoints: iouType === 'keypoints' ? ([] as string[]) : null };
  const dtText = { segmentation: iouType === 'segm' ? ([] as string[]) : null, keypoints: iouType === 'keypoints' ? ([] as string[]) : null };
  let g = 0;
  let d = 0;
  for (let i = 0; i < images; i++) {
    const imageId = firstImage + i + 1;
    imageRows.set([imageId, width, height, gtsPerImage, dtsPerImage], i * IMAGE.stride);
    const boxes: number[][] = [];
    for (let k = 0; k < gtsPerImage; k++, g++) {
      // Whole and fractional numbers, small ids and ids past 2^31 (COCO's crowd ids): V8 compiles for the kinds of
      // number it has seen, and a kind first seen in a real job sends the compiled code back to the interpreter.
      const box = [random() * 480, random() * 320, 16 + random() * 140, 16 + random() * 140].map((v) => (k % 2 === 0 ? Math.round(v) : v));
      boxes.push(box);
      const crowd = k === gtsPerImage - 1 && i % 3 === 0;
      const category = categoryOf(i, k);
      const id = crowd ? 900_100_000_000 + g : g + 1;
      // NULLs (NaN) too: a field seen only as a number and then as null is compiled again.
      const numKeypoints = k % 3 === 0 ? Number.NaN : WARM_UP.keypoints;
      gts.set([imageId, g + 1, id, category, crowd ? 1 : 0, box[2]! * box[3]!, ...box, numKeypoints], g * GT.stride);
      if (gtText.segmentation) gtText.segmentation.push(crowd ? JSON.stringify({ size: [height, width], counts: rleOf(box) }) : JSON.stringify([polygon(box)]));
      if (gtText.keypoints) gtText.keypoints.push(JSON.stringify(keypoints(box, random, k === 0 ? 0 : 2)));
    }
    for (let k = 0; k < dtsPerImage; k++, d++) {
      const near = boxes[k % gtsPerImage]!;
      const box = k === dtsPerImage - 1 ? [random() * 600, random() * 440, 30, 30] : near.map((v) => v + (random() - 0.5) * 10);
      // One prediction of another class than the ground truth it overlaps (where there is another class).
      const category = k === 2 ? (categoryOf(i, k % gtsPerImage) % categories) + 1 : categoryOf(i, k % gtsPerImage);
      const score = k === 0 ? 1 : Math.round(random() * 1000) / 1000;
      dts.set([imageId, d + 1, d + 1, category, score, ...box, k % 2 === 0 ? Number.NaN : box[2]! * box[3]!], d * DT.stride);
      if (dtText.segmentation) dtText.segmentation.push(JSON.stringify({ size: [height, width], counts: rleToString(rleOf(box)) }));
      if (dtText.keypoints) dtText.keypoints.push(JSON.stringify(keypoints(box, random, 1)));
    }
  }
  return { settings, batch: { images: imageRows, gts, dts, gtText, dtText } };
}

/** What {@link warmUpTask}'s batches of an IoU type are matched with: its categories, its own `loadRes` branch, COCO's sigmas. */
export function warmUpSettings(iouType: IouType): EvalSettings {
  const categories = iouType === 'keypoints' ? 1 : WARM_UP.categories;
  return { iouType, branch: iouType, catIds: Array.from({ length: categories }, (_, c) => c + 1), sigmas: [...COCO_KEYPOINT_SIGMAS] };
}

/** The ellipse a box holds, as a 24-point polygon (COCO's polygons have tens of points, and real photos' size). */
function polygon([x, y, w, h]: number[]): number[] {
  const out: number[] = [];
  for (let p = 0; p < 24; p++) {
    const angle = (2 * Math.PI * p) / 24;
    out.push(x! + (w! / 2) * (1 + Math.cos(angle)), y! + (h! / 2) * (1 + Math.sin(angle)));
  }
  return out;
}

function rleOf(box: number[]): number[] {
  return Array.from(rleFrPoly(polygon(box), WARM_UP.height, WARM_UP.width).counts);
}

/** Keypoints inside a box, each with visibility `v` (0: none visible, the case OKS treats apart). */
function keypoints([x, y, w, h]: number[], random: () => number, v: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < WARM_UP.keypoints; k++) out.push(x! + random() * w!, y! + random() * h!, v);
  return out;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COCO_KEYPOINT_SIGMAS } from '../../src/evaluation/evaluationParams.js';
import type { EvalDetection, EvalGroundTruth, EvalImageInput, EvalSettings, IouType } from '../../src/evaluation/evaluationTypes.js';
import { resultsBranch } from '../../src/evaluation/resultsBranch.js';

// Compiled to dist/test/helpers/, three levels below the repository root.
export const EVALUATION_DIR = path.join(fileURLToPath(new URL('../../../', import.meta.url)), 'fixtures', 'evaluation');

/** What fixtures/evaluation/makeReference.py wrote for one IoU type (pycocotools' own numbers). */
export interface EvaluationReference {
  iouType: IouType;
  iouThrs: number[];
  recThrs: number[];
  catIds: number[];
  stats: number[];
  /** The OKS sigmas pycocotools was given (`kpt_oks_sigmas`), when not COCO's 17. */
  sigmas?: number[];
  lines: string[];
  perCategory: { categoryId: number; AP: number; AP50: number; AP75: number; AR100: number; precision50: number[]; precision75: number[] }[];
  evalImgs: {
    imageId: number;
    categoryId: number;
    gtIds: number[];
    dtIds: number[];
    dtMatches: number[][];
    gtMatches: number[][];
    dtIgnore: number[][];
    gtIgnore: number[];
    ious: number[][];
  }[];
}

export function readEvaluationJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(path.join(EVALUATION_DIR, name), 'utf8')) as T;
}

/** The reference runs: an IoU type over a results file (`segm_of_boxes`: the box results scored as masks). */
export const EVALUATION_CASES = ['bbox', 'segm', 'keypoints', 'segm_of_boxes', 'face_keypoints'] as const;
export type EvaluationCase = (typeof EVALUATION_CASES)[number];

const CASES: Record<EvaluationCase, { iouType: IouType; gt: string; results: string }> = {
  bbox: { iouType: 'bbox', gt: 'instances_gt.json', results: 'results_bbox.json' },
  segm: { iouType: 'segm', gt: 'instances_gt.json', results: 'results_segm.json' },
  keypoints: { iouType: 'keypoints', gt: 'person_keypoints_gt.json', results: 'results_keypoints.json' },
  segm_of_boxes: { iouType: 'segm', gt: 'instances_gt.json', results: 'results_bbox.json' },
  // 5 keypoints, scored with the sigmas its reference holds (pycocotools' kpt_oks_sigmas).
  face_keypoints: { iouType: 'keypoints', gt: 'face_keypoints_gt.json', results: 'results_face_keypoints.json' },
};

/**
 * The fixture's images as the evaluation job will hand them to matchImage:
 * ground truths in file order (row ids in file order), predictions with
 * `resultId` = file position + 1, images by ascending id.
 */
export function evaluationInputs(name: EvaluationCase): { settings: EvalSettings; inputs: EvalImageInput[]; reference: EvaluationReference } {
  const { iouType, gt: gtFile, results: resultsFile } = CASES[name];
  const gt = readEvaluationJson(gtFile);
  const reference: EvaluationReference = readEvaluationJson(`reference_${name}.json`);
  const results: any[] = readEvaluationJson(resultsFile);
  const inputs: EvalImageInput[] = [...gt.images]
    .sort((a: any, b: any) => a.id - b.id)
    .map((image: any) => ({ imageId: image.id, width: image.width, height: image.height, gts: [], dts: [] }));
  const byId = new Map(inputs.map((input) => [input.imageId, input]));
  gt.annotations.forEach((a: any, k: number) => {
    const row: EvalGroundTruth = {
      rowId: k + 1,
      id: a.id,
      categoryId: a.category_id,
      iscrowd: a.iscrowd === 1,
      area: a.area,
      bbox: a.bbox ?? null,
      segmentation: a.segmentation ?? null,
      keypoints: a.keypoints ?? null,
      numKeypoints: a.num_keypoints ?? null,
    };
    byId.get(a.image_id)!.gts.push(row);
  });
  results.forEach((r: any, k: number) => {
    const row: EvalDetection = {
      rowId: 5000 + k,
      resultId: k + 1,
      categoryId: r.category_id,
      score: r.score,
      bbox: r.bbox ?? null,
      area: null,
      segmentation: r.segmentation ?? null,
      keypoints: r.keypoints ?? null,
    };
    byId.get(r.image_id)!.dts.push(row);
  });
  const catIds = gt.categories.map((c: any) => c.id).sort((a: number, b: number) => a - b);
  const settings: EvalSettings = { iouType, branch: resultsBranch(results[0]), catIds, sigmas: reference.sigmas ?? [...COCO_KEYPOINT_SIGMAS] };
  return { settings, inputs, reference };
}

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { followJob, getJson, postIngest, terminalOf } from './sse.js';
import { SAMPLE_DIR } from './startTestServer.js';

/**
 * A dataset small enough to evaluate by hand, on three of the sample's images
 * (all boxes 100×100, so every area is "large"), categories cat (1), dog (2)
 * and bird (3, with neither ground truth nor predictions):
 * - 000000000139.jpg: a cat, predicted exactly (0.9): a true positive;
 * - 000000000285.jpg: a dog, predicted as a cat at the same place (0.8): a
 *   false positive and a miss, the confusion dog → cat;
 * - 000000001000.jpg: a cat nobody found, a cat (0.7) and a dog (0.6)
 *   predicted where nothing is: a miss and two false positives.
 *
 * By hand (and by pycocotools 2.0, run on these files): cat's AP is 51/101
 * (precision 1 up to recall 0.5, at every IoU), dog's 0, bird's -1; the
 * summary AP = AP50 = AP75 = AP_large = 0.2525, AR = 0.25, the small and
 * medium numbers -1. "better" adds the dog at 000000000285.jpg (0.85): dog's
 * AP becomes 1 and the summary AP 0.7525.
 */
export const FIXTURE = {
  images: [
    { id: 1, file_name: '000000000139.jpg', width: 320, height: 240 },
    { id: 2, file_name: '000000000285.jpg', width: 240, height: 180 },
    { id: 3, file_name: '000000001000.jpg', width: 320, height: 213 },
  ],
  annotations: [box(1, 1, 1, [20, 20, 100, 100]), box(2, 2, 2, [100, 50, 100, 100]), box(3, 3, 1, [20, 20, 100, 100])],
  categories: [
    { id: 1, name: 'cat', supercategory: 'animal' },
    { id: 2, name: 'dog', supercategory: 'animal' },
    { id: 3, name: 'bird', supercategory: 'animal' },
  ],
};

const DETECTOR = [
  { image_id: 1, category_id: 1, bbox: [20, 20, 100, 100], score: 0.9 },
  { image_id: 2, category_id: 1, bbox: [100, 50, 100, 100], score: 0.8 },
  { image_id: 3, category_id: 1, bbox: [200, 100, 100, 100], score: 0.7 },
  { image_id: 3, category_id: 2, bbox: [200, 0, 100, 100], score: 0.6 },
];
const BETTER = [...DETECTOR, { image_id: 2, category_id: 2, bbox: [100, 50, 100, 100], score: 0.85 }];

function box(id: number, imageId: number, categoryId: number, [x, y, w, h]: number[]) {
  const segmentation = [[x, y, x + w, y, x + w, y + h, x, y + h]];
  return { id, image_id: imageId, category_id: categoryId, bbox: [x, y, w, h], area: w * h, iscrowd: 0, segmentation };
}

/** The evaluated fixture as the service holds it: the dataset's id and each image's sample id by file name. */
export interface EvaluatedFixture {
  datasetId: number;
  sampleIds: Map<string, number>;
}

/** Waits for a job to end, failing unless it completed; returns its `complete` event's data. */
export async function completed(baseUrl: string, jobId: string, what: string): Promise<Record<string, any>> {
  const terminal = terminalOf(await followJob(baseUrl, jobId));
  if (terminal?.event !== 'complete') throw new Error(`${what} ended ${terminal?.event}: ${JSON.stringify(terminal?.data)}`);
  return terminal.data;
}

/** POSTs a job's request as JSON and returns its 202 answer (the job), failing on any other. */
export async function postJob(url: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, any>;
  if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Writes the fixture into `dir` (inside the service's ingest roots), ingests
 * it, loads the prediction sets "detector" and "better", and evaluates each
 * (bbox) through the real service, as "detector-bbox" and "better-bbox".
 */
export async function tinyEvaluatedDataset(baseUrl: string, dir: string): Promise<EvaluatedFixture> {
  const files = { gt: path.join(dir, 'instances_eval.json'), detector: path.join(dir, 'detector.json'), better: path.join(dir, 'better.json') };
  await writeFile(files.gt, JSON.stringify(FIXTURE));
  await writeFile(files.detector, JSON.stringify(DETECTOR));
  await writeFile(files.better, JSON.stringify(BETTER));
  const ingest = await postIngest(baseUrl, {
    annotation_path: files.gt,
    image_dir: path.join(SAMPLE_DIR, 'images/val'),
    dataset_name: 'evaluated',
    split: 'val',
  });
  const datasetId = (await completed(baseUrl, ingest.job_id, 'the ingest')).dataset_id as number;
  for (const name of ['detector', 'better'] as const) {
    const loaded = await postJob(`${baseUrl}/datasets/${datasetId}/predictions`, { annotation_path: files[name], name });
    await completed(baseUrl, loaded.job_id, `loading ${name}`);
    const evaluation = await postJob(`${baseUrl}/datasets/${datasetId}/evaluations`, { predictions: name, iou_type: 'bbox' });
    await completed(baseUrl, evaluation.job_id, `evaluating ${name}`);
  }
  const { body } = await getJson(`${baseUrl}/samples?dataset_id=${datasetId}&limit=10`);
  return { datasetId, sampleIds: new Map(body.items.map((s: { file_name: string; id: number }) => [s.file_name, s.id])) };
}

import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rleToString } from '../../src/formats/panoptic/rle.js';
import { SeededRandom } from '../SeededRandom.js';

/** The files one evaluation run reads: two ground truths (all classes; persons with keypoints) and a results file per IoU type. */
export interface EvaluationFiles {
  dir: string;
  images: number;
  instances: string;
  personKeypoints: string;
  results: { bbox: string; segm: string; keypoints: string };
  counts: { annotations: number; crowd: number; predictions: number; keypointResults: number };
}

const CATEGORIES = 80;
const PERSON = 1;

type Box = [number, number, number, number];

/** A rectangle's RLE counts in an image of `h` rows, column-major as COCO's masks. */
function rectangleCounts(box: Box, width: number, height: number): number[] {
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(width, Math.max(x0 + 1, Math.ceil(box[0] + box[2])));
  const y1 = Math.min(height, Math.max(y0 + 1, Math.ceil(box[1] + box[3])));
  const counts = [x0 * height + y0];
  for (let x = x0; x < x1; x++) {
    counts.push(y1 - y0);
    if (x < x1 - 1) counts.push(height - (y1 - y0));
  }
  counts.push(height - y1 + (width - x1) * height);
  return counts;
}

/** An octagon inside a box: a polygon COCO's rasteriser fills. */
function octagon(box: Box): number[] {
  const [x, y, w, h] = box;
  const a = w * 0.3;
  const b = h * 0.3;
  return [x + a, y, x + w - a, y, x + w, y + b, x + w, y + h - b, x + w - a, y + h, x + a, y + h, x, y + h - b, x, y + b].map((v) => Math.round(v * 100) / 100);
}

/** 17 keypoints spread over a box, some unlabelled (v=0). */
function keypointsIn(random: SeededRandom, box: Box): number[] {
  const out: number[] = [];
  for (let k = 0; k < 17; k++) {
    const v = random.next() < 0.2 ? 0 : random.next() < 0.5 ? 1 : 2;
    out.push(v === 0 ? 0 : Math.round(box[0] + random.next() * box[2]), v === 0 ? 0 : Math.round(box[1] + random.next() * box[3]), v);
  }
  return out;
}

/** A box moved and resized a little: a detection near a ground truth. */
function jitter(random: SeededRandom, box: Box, amount: number): Box {
  const [x, y, w, h] = box;
  return [
    x + random.between(-amount, amount) * w,
    y + random.between(-amount, amount) * h,
    w * random.between(1 - amount, 1 + amount),
    h * random.between(1 - amount, 1 + amount),
  ].map((v) => Math.round(Math.max(1, v) * 100) / 100) as Box;
}

/**
 * Writes (once; kept between runs) a val2017-sized evaluation input: `images`
 * images of 640x480, about 8 annotations each over 80 classes (polygons; one
 * image in 20 with a crowd region as an uncompressed RLE), persons with 17
 * keypoints, and detections near most ground truths plus false positives with
 * scores: boxes, compressed-RLE masks, and person keypoints. Seeded: the same
 * bytes on every run.
 */
export async function generateEvaluationFiles(dir: string, images: number): Promise<EvaluationFiles> {
  const files: EvaluationFiles = {
    dir,
    images,
    instances: path.join(dir, 'instances_eval.json'),
    personKeypoints: path.join(dir, 'person_keypoints_eval.json'),
    results: { bbox: path.join(dir, 'results_bbox.json'), segm: path.join(dir, 'results_segm.json'), keypoints: path.join(dir, 'results_keypoints.json') },
    counts: { annotations: 0, crowd: 0, predictions: 0, keypointResults: 0 },
  };
  const countsFile = path.join(dir, 'counts.json');
  if (await stat(countsFile).catch(() => null))
    return { ...files, counts: JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(countsFile, 'utf8'))) };
  await mkdir(dir, { recursive: true });
  const random = new SeededRandom(2017);
  const width = 640;
  const height = 480;
  const imageRecords = Array.from({ length: images }, (_, i) => ({ id: i + 1, file_name: `${String(i + 1).padStart(12, '0')}.jpg`, width, height }));
  const annotations: Record<string, unknown>[] = [];
  const bbox: Record<string, unknown>[] = [];
  const segm: Record<string, unknown>[] = [];
  const keypoints: Record<string, unknown>[] = [];
  for (const image of imageRecords) {
    const n = random.int(2, 14);
    for (let a = 0; a < n; a++) {
      const w = random.between(8, 300);
      const h = random.between(8, 250);
      const box = [random.between(0, width - w), random.between(0, height - h), w, h].map((v) => Math.round(v * 100) / 100) as Box;
      const category = random.next() < 0.3 ? PERSON : random.int(2, CATEGORIES);
      const polygon = octagon(box);
      const annotation: Record<string, unknown> = {
        id: annotations.length + 1,
        image_id: image.id,
        category_id: category,
        iscrowd: 0,
        area: Math.round(w * h * 0.82 * 100) / 100,
        bbox: box,
        segmentation: [polygon],
      };
      if (category === PERSON) {
        const kp = keypointsIn(random, box);
        annotation.keypoints = kp;
        annotation.num_keypoints = kp.filter((_, i) => i % 3 === 2 && kp[i]! > 0).length;
      }
      annotations.push(annotation);
      if (random.next() < 0.85) {
        const score = Math.round(random.between(0.05, 1) * 1000) / 1000;
        const seen = random.next() < 0.9 ? category : random.int(1, CATEGORIES);
        const near = jitter(random, box, 0.15);
        bbox.push({ image_id: image.id, category_id: seen, bbox: near, score });
        segm.push({
          image_id: image.id,
          category_id: seen,
          segmentation: { size: [height, width], counts: rleToString(rectangleCounts(near, width, height)) },
          score,
        });
        if (category === PERSON && seen === PERSON) {
          const kp = (annotation.keypoints as number[]).map((v, i) => (i % 3 === 2 ? 1 : Math.round(v + random.between(-6, 6))));
          keypoints.push({ image_id: image.id, category_id: PERSON, keypoints: kp, score });
        }
      }
    }
    if (image.id % 20 === 0) {
      const box: Box = [random.between(0, 300), random.between(0, 200), 200, 150];
      annotations.push({
        id: annotations.length + 1,
        image_id: image.id,
        category_id: PERSON,
        iscrowd: 1,
        area: 200 * 150,
        bbox: box.map((v) => Math.floor(v)),
        segmentation: { size: [height, width], counts: rectangleCounts(box.map((v) => Math.floor(v)) as Box, width, height) },
        keypoints: new Array(51).fill(0),
        num_keypoints: 0,
      });
      files.counts.crowd++;
    }
    // False positives: boxes where nothing is.
    for (let f = random.int(0, 2); f > 0; f--) {
      const near: Box = [random.between(0, 500), random.between(0, 400), random.between(10, 120), random.between(10, 70)].map(
        (v) => Math.round(v * 100) / 100,
      ) as Box;
      const category = random.int(1, CATEGORIES);
      const score = Math.round(random.between(0.01, 0.6) * 1000) / 1000;
      bbox.push({ image_id: image.id, category_id: category, bbox: near, score });
      segm.push({
        image_id: image.id,
        category_id: category,
        segmentation: { size: [height, width], counts: rleToString(rectangleCounts(near, width, height)) },
        score,
      });
    }
  }
  const categories = Array.from({ length: CATEGORIES }, (_, i) => ({ id: i + 1, name: i === 0 ? 'person' : `class${i + 1}`, supercategory: 'thing' }));
  const person = { ...categories[0]!, keypoints: Array.from({ length: 17 }, (_, k) => `k${k}`), skeleton: [] };
  const instances = annotations.map(({ keypoints: _k, num_keypoints: _n, ...rest }) => rest);
  await writeFile(files.instances, JSON.stringify({ images: imageRecords, annotations: instances, categories }));
  await writeFile(
    files.personKeypoints,
    JSON.stringify({ images: imageRecords, annotations: annotations.filter((a) => a.category_id === PERSON), categories: [person] }),
  );
  await writeFile(files.results.bbox, JSON.stringify(bbox));
  await writeFile(files.results.segm, JSON.stringify(segm));
  await writeFile(files.results.keypoints, JSON.stringify(keypoints));
  files.counts.annotations = annotations.length;
  files.counts.predictions = bbox.length;
  files.counts.keypointResults = keypoints.length;
  await writeFile(countsFile, JSON.stringify(files.counts));
  return files;
}

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BufferedFileWriter } from '../BufferedFileWriter.js';
import { COCO_2017_CATEGORIES } from '../cocoCategories.js';
import { generateCoco } from '../generateCoco.js';
import type { PoolPhoto } from '../PoolPhoto.js';
import { SeededRandom } from '../SeededRandom.js';

/** The files of the large bbox evaluation: a ground truth and a results file derived from it. */
export interface LargeEvaluationFiles {
  dir: string;
  instances: string;
  results: string;
  counts: { images: number; annotations: number; predictions: number };
}

/** Share of non-crowd ground truths that get a detection near them. */
const DETECTED = 0.95;
/** Chance, per ground truth, of one more detection where nothing is (a false positive). */
const FALSE_POSITIVE = 0.12;

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Writes (once; kept between runs) the `evaluation-large` input: a COCO
 * instances file from {@link generateCoco} (`images` images, 7.5 annotations
 * each on average) and, in the same streamed pass, a bbox results file derived
 * from it: most ground truths detected with a jittered box (one in ten with
 * another category) plus some false positives, scores seeded (about 1.07
 * results per annotation: ~8M for 7.5M). Neither file is ever held whole.
 */
export async function generateLargeEvaluationFiles(dir: string, images: number, pool: readonly PoolPhoto[]): Promise<LargeEvaluationFiles> {
  const files = { dir, instances: path.join(dir, 'instances_large.json'), results: path.join(dir, 'results_bbox_large.json') };
  const countsFile = path.join(dir, 'counts.json');
  if (await stat(countsFile).catch(() => null)) return { ...files, counts: JSON.parse(await readFile(countsFile, 'utf8')) };
  await mkdir(dir, { recursive: true });
  const random = new SeededRandom(4242);
  const categoryIds = COCO_2017_CATEGORIES.map((c) => c.id);
  const out = BufferedFileWriter.open(files.results);
  await out.write('[');
  let predictions = 0;
  const write = async (imageId: number, categoryId: number, box: number[]) => {
    const score = Math.round(random.between(0.01, 1) * 1000) / 1000;
    await out.write(`${predictions === 0 ? '' : ','}{"image_id":${imageId},"category_id":${categoryId},"bbox":[${box.join(',')}],"score":${score}}`);
    predictions++;
  };
  const generated = await generateCoco(files.instances, {
    images,
    pool,
    split: 'val2017',
    onAnnotation: async ({ crowd, bbox, imageId, categoryId, width, height }) => {
      if (!crowd && random.chance(DETECTED)) {
        const [x, y, w, h] = bbox as [number, number, number, number];
        const j = () => random.between(-0.15, 0.15);
        const near = [
          round2(Math.max(0, x + j() * w)),
          round2(Math.max(0, y + j() * h)),
          round2(Math.max(1, w * (1 + j()))),
          round2(Math.max(1, h * (1 + j()))),
        ];
        await write(imageId, random.chance(0.9) ? categoryId : random.pick(categoryIds), near);
      }
      if (random.chance(FALSE_POSITIVE)) {
        const w = random.between(8, width / 2);
        const h = random.between(8, height / 2);
        await write(imageId, random.pick(categoryIds), [round2(random.between(0, width - w)), round2(random.between(0, height - h)), round2(w), round2(h)]);
      }
    },
  });
  await out.write(']');
  await out.close();
  const counts = { images, annotations: generated.annotations, predictions };
  await writeFile(countsFile, JSON.stringify(counts));
  return { ...files, counts };
}

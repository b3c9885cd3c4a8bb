import { stat } from 'node:fs/promises';
import { BufferedFileWriter } from './BufferedFileWriter.js';
import { COCO_2017_INFO, COCO_2017_LICENSES } from './coco2017Header.js';
import { COCO_2017_CATEGORIES, type CocoCategory } from './cocoCategories.js';
import { ANNOTATION_SHAPE_DEFAULTS, type AnnotationShapeOptions, type GeneratedAnnotation, makeAnnotation } from './makeAnnotation.js';
import { makeImageRecord } from './makeImageRecord.js';
import { type PoolPhoto, photoForImage } from './PoolPhoto.js';
import { SeededRandom } from './SeededRandom.js';

/** Options of {@link generateCoco}. */
export interface GenerateCocoOptions {
  /** How many images. Required. */
  images: number;
  /** The photos the image folder links to: image `id` gets {@link photoForImage}'s dimensions. Required. */
  pool: readonly PoolPhoto[];
  /** Default: the 80 COCO 2017 categories. */
  categories?: readonly CocoCategory[];
  /** The split named in `coco_url`. Default `train2017`. */
  split?: string;
  /** Fewest annotations of an image. Default 0 (COCO has unannotated images). */
  minAnnotationsPerImage?: number;
  /** Most annotations of an image. Default 15: with the default minimum, 7.5 per image on average, as in COCO 2017. */
  maxAnnotationsPerImage?: number;
  /** Polygon, crowd and size settings. Default {@link ANNOTATION_SHAPE_DEFAULTS}. */
  shape?: AnnotationShapeOptions;
  /** Same seed, same bytes. Default 2017. */
  seed?: number;
  /** Called with each annotation as it is written (e.g. to write results derived from it in the same pass). Default none. */
  onAnnotation?: (annotation: GeneratedAnnotation & { imageId: number; categoryId: number; width: number; height: number }) => Promise<void> | void;
}

/** Defaults of {@link GenerateCocoOptions}. */
export const GENERATE_COCO_DEFAULTS = {
  categories: COCO_2017_CATEGORIES,
  split: 'train2017',
  minAnnotationsPerImage: 0,
  maxAnnotationsPerImage: 15,
  seed: 2017,
} as const;

/** What {@link generateCoco} wrote. */
export interface GeneratedCoco {
  file: string;
  bytes: number;
  images: number;
  annotations: number;
  crowdAnnotations: number;
  categories: number;
}

/**
 * Writes a COCO instances file shaped like the real 2017 ones: keys in the order
 * `info`, `licenses`, `images`, `annotations`, `categories` (so a reader meets
 * the categories last, as with the real files), compact JSON on one line, and
 * realistic records (see {@link makeImageRecord}, {@link makeAnnotation}). It is
 * streamed out a chunk at a time, never held whole, and deterministic for a seed.
 */
export async function generateCoco(file: string, options: GenerateCocoOptions): Promise<GeneratedCoco> {
  const o = { ...GENERATE_COCO_DEFAULTS, ...options };
  const shape = { ...ANNOTATION_SHAPE_DEFAULTS, ...options.shape };
  if (o.pool.length === 0) throw new Error('generateCoco: the photo pool is empty');
  const categoryIds = o.categories.map((c) => c.id);
  // Separate sequences: the annotations do not change when the image records' fields do.
  const imageRandom = new SeededRandom(o.seed);
  const annotationRandom = new SeededRandom(o.seed + 1);
  const out = BufferedFileWriter.open(file);
  await out.write(`{"info":${JSON.stringify(COCO_2017_INFO)},"licenses":${JSON.stringify(COCO_2017_LICENSES)},"images":[`);
  for (let id = 1; id <= o.images; id++) {
    const { width, height } = photoForImage(o.pool, id);
    const record = makeImageRecord(imageRandom, { id, width, height, split: o.split, licenses: COCO_2017_LICENSES.length });
    await out.write(id === 1 ? record : `,${record}`);
  }
  await out.write('],"annotations":[');
  let annotations = 0;
  let crowdAnnotations = 0;
  for (let imageId = 1; imageId <= o.images; imageId++) {
    const { width, height } = photoForImage(o.pool, imageId);
    const count = annotationRandom.int(o.minAnnotationsPerImage, o.maxAnnotationsPerImage);
    const texts: string[] = [];
    for (let k = 0; k < count; k++) {
      const categoryId = annotationRandom.pick(categoryIds);
      const annotation = makeAnnotation(annotationRandom, { id: annotations + 1, imageId, categoryId, width, height }, shape);
      texts.push(annotations === 0 ? annotation.json : `,${annotation.json}`);
      await o.onAnnotation?.({ ...annotation, imageId, categoryId, width, height });
      annotations++;
      if (annotation.crowd) crowdAnnotations++;
    }
    if (texts.length > 0) await out.write(texts.join(''));
  }
  await out.write(`],"categories":${JSON.stringify(o.categories)}}`);
  await out.close();
  return { file, bytes: (await stat(file)).size, images: o.images, annotations, crowdAnnotations, categories: o.categories.length };
}

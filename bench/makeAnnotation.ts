import type { SeededRandom } from './SeededRandom.js';

/** Shape of generated annotations. */
export interface AnnotationShapeOptions {
  /** Fewest points of a polygon. Default 8. */
  minPoints?: number;
  /** Most points of a polygon. Default 40. */
  maxPoints?: number;
  /**
   * Exponent skewing point counts towards `minPoints` (1 = uniform). Real COCO
   * polygons are mostly small with a long tail; this is what tunes the file size
   * towards the real one's bytes per annotation. Default 1.6.
   */
  pointsSkew?: number;
  /** Share of annotations that are RLE crowds (`iscrowd: 1`). Default 0.01, as in COCO. */
  crowdShare?: number;
  /** Share of polygon annotations made of two polygons (an occluded object). Default 0.08. */
  twoPartShare?: number;
}

/** Defaults of {@link AnnotationShapeOptions}. */
export const ANNOTATION_SHAPE_DEFAULTS = {
  minPoints: 8,
  maxPoints: 40,
  pointsSkew: 1.6,
  crowdShare: 0.01,
  twoPartShare: 0.08,
} as const;

/** What an annotation is drawn on, and which ids it gets. */
export interface AnnotationTarget {
  id: number;
  imageId: number;
  categoryId: number;
  width: number;
  height: number;
}

/** A generated annotation as JSON text, whether it is a crowd, and its box (for results derived from it). */
export interface GeneratedAnnotation {
  json: string;
  crowd: boolean;
  bbox: number[];
}

/**
 * One annotation in COCO 2017's key order (`segmentation`, `area`, `iscrowd`,
 * `image_id`, `bbox`, `category_id`, `id`): a polygon object (coordinates with
 * two decimals, like COCO's), or now and then an RLE crowd whose `counts` are
 * column-major runs over the whole image. The bbox and area follow from the
 * shape, so they are consistent with it.
 */
export function makeAnnotation(random: SeededRandom, target: AnnotationTarget, shape: Required<AnnotationShapeOptions>): GeneratedAnnotation {
  const crowd = random.chance(shape.crowdShare);
  const body = crowd ? crowdRle(random, target) : polygons(random, target, shape);
  const json =
    `{"segmentation":${body.segmentation},"area":${body.area},"iscrowd":${crowd ? 1 : 0},"image_id":${target.imageId},` +
    `"bbox":[${body.bbox.join(',')}],"category_id":${target.categoryId},"id":${target.id}}`;
  return { json, crowd, bbox: body.bbox };
}

interface Shape {
  segmentation: string;
  area: number;
  bbox: number[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));

function polygons(random: SeededRandom, target: AnnotationTarget, shape: Required<AnnotationShapeOptions>): Shape {
  const parts = random.chance(shape.twoPartShare) ? 2 : 1;
  const rings: number[][] = [];
  let area = 0;
  for (let p = 0; p < parts; p++) {
    const ring = polygon(random, target, shape);
    rings.push(ring);
    area += shoelace(ring);
  }
  const xs = rings.flatMap((ring) => ring.filter((_, i) => i % 2 === 0));
  const ys = rings.flatMap((ring) => ring.filter((_, i) => i % 2 === 1));
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return {
    segmentation: JSON.stringify(rings),
    area,
    bbox: [x0, y0, round2(Math.max(...xs) - x0), round2(Math.max(...ys) - y0)],
  };
}

/** A star-shaped ring around a random centre: never self-intersecting, so its shoelace area is its area. */
function polygon(random: SeededRandom, target: AnnotationTarget, shape: Required<AnnotationShapeOptions>): number[] {
  const span = shape.maxPoints - shape.minPoints + 1;
  const points = shape.minPoints + Math.min(span - 1, Math.floor(random.next() ** shape.pointsSkew * span));
  // Squared: most objects are small, as in COCO.
  const scale = random.next() ** 2;
  const rx = Math.max(2, (scale * target.width) / 2);
  const ry = Math.max(2, (scale * target.height) / 2);
  const cx = random.between(0, target.width);
  const cy = random.between(0, target.height);
  const ring: number[] = [];
  for (let k = 0; k < points; k++) {
    const angle = ((k + random.next()) / points) * 2 * Math.PI;
    const reach = random.between(0.55, 1);
    ring.push(round2(clamp(cx + Math.cos(angle) * rx * reach, target.width)), round2(clamp(cy + Math.sin(angle) * ry * reach, target.height)));
  }
  return ring;
}

function shoelace(ring: number[]): number {
  let twice = 0;
  for (let i = 0; i < ring.length; i += 2) {
    const j = (i + 2) % ring.length;
    twice += ring[i]! * ring[j + 1]! - ring[j]! * ring[i + 1]!;
  }
  return Math.abs(twice) / 2;
}

/** Uncompressed RLE of a blob: per column, a background run then a foreground run, then the rest. */
function crowdRle(random: SeededRandom, target: AnnotationTarget): Shape {
  const { width, height } = target;
  const columns = Math.max(2, Math.round(random.between(0.2, 0.9) * width));
  const x0 = random.int(0, width - columns);
  const middle = random.between(0.3, 0.7) * height;
  const half = random.between(0.1, 0.3) * height;
  const counts: number[] = [];
  let position = 0;
  let area = 0;
  let top = height;
  let bottom = 0;
  for (let x = x0; x < x0 + columns; x++) {
    const start = Math.floor(clamp(middle - half * random.between(0.7, 1), height - 1));
    const end = Math.max(start + 1, Math.ceil(clamp(middle + half * random.between(0.7, 1), height)));
    counts.push(x * height + start - position, end - start);
    position = x * height + end;
    area += end - start;
    top = Math.min(top, start);
    bottom = Math.max(bottom, end);
  }
  counts.push(width * height - position);
  return {
    segmentation: `{"counts":[${counts.join(',')}],"size":[${height},${width}]}`,
    area,
    bbox: [x0, top, columns, bottom - top],
  };
}

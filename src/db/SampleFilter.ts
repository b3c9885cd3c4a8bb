/** COCO's area classes: small below 32², medium below 96², large from 96² up (cocoapi's `areaRng`). */
export const AREA_CLASSES = { small: [0, 32 ** 2], medium: [32 ** 2, 96 ** 2], large: [96 ** 2, 1e10] } as const;

/** One of {@link AREA_CLASSES}. */
export type AreaClass = keyof typeof AREA_CLASSES;

/** Which samples of a dataset a list keeps. Every field is optional but the dataset. */
export interface SampleFilter {
  datasetId: number;
  split?: string | undefined;
  /**
   * Annotation conditions, met together by one annotation of the sample:
   * its category (by name), `iscrowd`, and COCO area class.
   */
  category?: string | undefined;
  iscrowd?: boolean | undefined;
  area?: AreaClass | undefined;
  /** Ground-truth annotations of the sample, inclusive bounds. */
  minAnnotations?: number | undefined;
  maxAnnotations?: number | undefined;
  /** True: only samples whose image could not be read; false: only those it could. */
  hasImageError?: boolean | undefined;
  /** A prediction set: samples with at least one of its results at `minScore` or above (of `category`, if given). */
  predictions?: string | undefined;
  minScore?: number | undefined;
}

/**
 * The SQL condition (on `samples s`) and its parameters for a filter. The
 * annotation conditions go into one `EXISTS`, so that `category=dog&area=small`
 * means a small dog, not a dog and something small.
 */
export function sampleFilterSql(f: SampleFilter): { where: string; params: (bigint | string | number | boolean)[] } {
  const where = ['s.dataset_id = ?'];
  const params: (bigint | string | number | boolean)[] = [BigInt(f.datasetId)];
  if (f.split !== undefined) {
    where.push('s.split = ?');
    params.push(f.split);
  }
  const onAnnotation: string[] = [];
  if (f.category !== undefined) {
    onAnnotation.push('a.category_id = (SELECT c.id FROM categories c WHERE c.dataset_id = s.dataset_id AND c.name = ?)');
    params.push(f.category);
  }
  if (f.iscrowd !== undefined) {
    onAnnotation.push('a.iscrowd = ?');
    params.push(f.iscrowd);
  }
  if (f.area !== undefined) {
    const [low, high] = AREA_CLASSES[f.area];
    onAnnotation.push(`a.area >= ${low} AND a.area < ${high}`);
  }
  if (onAnnotation.length > 0) {
    where.push(`EXISTS (SELECT 1 FROM annotations a WHERE a.job_id = s.job_id AND a.image_coco_id = s.coco_id AND ${onAnnotation.join(' AND ')})`);
  }
  if (f.minAnnotations !== undefined || f.maxAnnotations !== undefined) {
    where.push('(SELECT count(*) FROM annotations a WHERE a.job_id = s.job_id AND a.image_coco_id = s.coco_id) BETWEEN ? AND ?');
    params.push(BigInt(f.minAnnotations ?? 0), BigInt(f.maxAnnotations ?? Number.MAX_SAFE_INTEGER));
  }
  if (f.hasImageError !== undefined) {
    where.push(`${f.hasImageError ? '' : 'NOT '}EXISTS (SELECT 1 FROM image_failures i WHERE i.sample_id = s.id)`);
  }
  if (f.predictions !== undefined) {
    const ofCategory = f.category === undefined ? '' : ' AND p.category_id = (SELECT c.id FROM categories c WHERE c.dataset_id = s.dataset_id AND c.name = ?)';
    where.push(`EXISTS (SELECT 1 FROM predictions p WHERE p.sample_id = s.id AND p.set_name = ? AND coalesce(p.score, 1) >= ?${ofCategory})`);
    params.push(f.predictions, f.minScore ?? 0);
    if (f.category !== undefined) params.push(f.category);
  }
  return { where: where.join(' AND '), params };
}

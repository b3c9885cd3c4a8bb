import { DUPLICATE_DEFAULTS } from '../quality/duplicateDefaults.js';
import { confusionFilterSql, type EvaluationSampleFilter, outcomeFilterSql, regressedFilterSql } from './evaluationSampleFilters.js';
import { type DuplicateFilter, qualityFilterSql } from './qualityFilterSql.js';
import type { SqlParam } from './SqlParam.js';

/** COCO's area classes: small below 32², medium below 96², large from 96² up (cocoapi's `areaRng`). */
export const AREA_CLASSES = { small: [0, 32 ** 2], medium: [32 ** 2, 96 ** 2], large: [96 ** 2, 1e10] } as const;

/** One of {@link AREA_CLASSES}. */
export type AreaClass = keyof typeof AREA_CLASSES;

/** The `sample_counts` column of each area class (a fixed name, never the request's text). */
const AREA_COUNT_COLUMNS: Record<AreaClass, string> = { small: 'small', medium: 'medium', large: 'large' };

/** Which samples of a dataset a list keeps. Every field is optional but the dataset. */
export interface SampleFilter extends EvaluationSampleFilter {
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
  /** Quality: samples with a duplicate (`any`) or one in another split (`cross_split`), and samples a check names. */
  duplicates?: DuplicateFilter | undefined;
  check?: string | undefined;
}

/** A set of sample ids kept at commit: a select of `sample_id` from a counter table, which may name a sample more than once. */
export interface IdSet {
  select: string;
  params: SqlParam[];
  /** The most rows the select has of one sample; null when unbounded (as many as the sample has categories). */
  rowsPerSample: number | null;
}

/**
 * `sample_categories`' most rows of one sample and category: one per `iscrowd`
 * (true, false, NULL) and area class (small, medium, large, NULL).
 */
const ROWS_PER_SAMPLE_AND_CATEGORY = 3 * 4;

/** A filter as SQL: see {@link sampleFilterSql}. */
export interface SampleFilterSql {
  /** The condition on `samples s`. */
  where: string;
  params: SqlParam[];
  /**
   * When the filter is one counter-table set and nothing more (a category, a
   * category and an area class, `iscrowd`, `min_annotations`...), with a few
   * rows of a sample at most, that set: a page in id order can then be read
   * from it alone (`pageIdsOfSet`).
   */
  only: IdSet | null;
}

/**
 * The SQL condition (on `samples s`) and its parameters for a filter whose
 * category is resolved to `categoryId` (null: none asked; -1: no such
 * category). Each condition is a semi-join on a set DuckDB builds once with one
 * scan (`s.id IN (SELECT ...)`): a correlated `EXISTS` per sample took seconds
 * at 1M images. The annotation conditions read the counter tables kept at
 * commit (`src/db/counters/`), not the annotations: `sample_categories` for
 * what one annotation must be (they share one row, so that
 * `category=dog&area=small` means a small dog, not a dog and something small),
 * `sample_counts` for how many a sample has.
 */
export function sampleFilterSql(f: SampleFilter, categoryId: number | null): SampleFilterSql {
  const dataset = BigInt(f.datasetId);
  const where = ['s.dataset_id = ?'];
  const params: SqlParam[] = [dataset];
  // The counter-table sets asked for, each also a condition in `where`.
  const sets: IdSet[] = [];
  const addSet = (set: IdSet) => {
    sets.push(set);
    where.push(`s.id IN (${set.select})`);
    params.push(...set.params);
  };
  if (f.split !== undefined) {
    where.push('s.split = ?');
    params.push(f.split);
  }
  // `iscrowd` or `area` alone is a per-sample count (`sample_counts`, a row per sample); with a
  // category, or together, they must hold of one annotation (`sample_categories`). The semi-join
  // on sample_categories without a category to narrow it took seconds at 1M.
  const alone = categoryId === null && (f.iscrowd === undefined || f.area === undefined);
  const onAnnotation: string[] = [];
  const annotationParams: (bigint | boolean | string)[] = [];
  if (categoryId !== null && f.outcome === undefined) {
    onAnnotation.push('category_id = ?');
    annotationParams.push(BigInt(categoryId));
  }
  if (f.iscrowd !== undefined && !alone) {
    onAnnotation.push('iscrowd = ?');
    annotationParams.push(f.iscrowd);
  }
  if (f.area !== undefined && !alone) {
    onAnnotation.push('area_class = ?');
    annotationParams.push(f.area);
  }
  if (onAnnotation.length > 0) {
    addSet({
      select: `SELECT sample_id FROM sample_categories WHERE dataset_id = ? AND ${onAnnotation.join(' AND ')}`,
      params: [dataset, ...annotationParams],
      rowsPerSample: onAnnotation[0] === 'category_id = ?' ? ROWS_PER_SAMPLE_AND_CATEGORY : null,
    });
  }
  if (f.iscrowd !== undefined && alone) {
    addSet({
      select: `SELECT sample_id FROM sample_counts WHERE dataset_id = ? AND ${f.iscrowd ? 'crowd > 0' : 'annotations > crowd'}`,
      params: [dataset],
      rowsPerSample: 1,
    });
  }
  if (f.area !== undefined && alone) {
    addSet({ select: `SELECT sample_id FROM sample_counts WHERE dataset_id = ? AND ${AREA_COUNT_COLUMNS[f.area]} > 0`, params: [dataset], rowsPerSample: 1 });
  }
  if (f.minAnnotations !== undefined || f.maxAnnotations !== undefined) {
    // Every sample has a row, with 0 when it has no annotation.
    addSet({
      select: 'SELECT sample_id FROM sample_counts WHERE dataset_id = ? AND annotations BETWEEN ? AND ?',
      params: [dataset, BigInt(f.minAnnotations ?? 0), BigInt(f.maxAnnotations ?? Number.MAX_SAFE_INTEGER)],
      rowsPerSample: 1,
    });
  }
  if (f.hasImageError !== undefined) {
    where.push(`s.id ${f.hasImageError ? '' : 'NOT '}IN (SELECT sample_id FROM image_failures WHERE dataset_id = ? AND sample_id IS NOT NULL)`);
    params.push(dataset);
  }
  if (f.predictions !== undefined) {
    const ofCategory = categoryId === null ? '' : ' AND category_id = ?';
    where.push(`s.id IN (SELECT sample_id FROM predictions WHERE dataset_id = ? AND set_name = ? AND coalesce(score, 1) >= ?${ofCategory})`);
    params.push(dataset, f.predictions, f.minScore ?? 0, ...(categoryId === null ? [] : [BigInt(categoryId)]));
  }
  outcomeFilterSql(f, categoryId, dataset, where, params);
  regressedFilterSql(f, dataset, where, params);
  confusionFilterSql(f, dataset, where, params);
  const quality = qualityFilterSql(f, DUPLICATE_DEFAULTS.maxDistance);
  where.push(quality ?? 'true');
  // The dataset's condition, the set's and the quality placeholder, and nothing else; and a set with a few rows of a
  // sample at most (without a category, sample_categories has one per category of the sample: a page could take a
  // scan of the set a round).
  const only = sets.length === 1 && sets[0]!.rowsPerSample !== null && quality === null && where.length === 3 ? sets[0]! : null;
  return { where: where.join(' AND '), params, only };
}

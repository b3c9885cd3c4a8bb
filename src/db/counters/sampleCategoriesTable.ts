import { AREA_CLASS_CODES, areaClassCodeSql, areaClassOfCodeSql } from './areaClassSql.js';
import type { CounterTable } from './CounterTable.js';
import type { ImagesKey } from './imagesColumns.js';

/**
 * The bits of `sample_categories.category_flags`: what a sample's annotations
 * of one category are, together (a crowd among them, one that is not, one of
 * each area class).
 */
export const CATEGORY_FLAGS: Readonly<Record<ImagesKey, number>> = { crowd: 1, noncrowd: 2, small: 4, medium: 8, large: 16 };

/** One row's bits of {@link CATEGORY_FLAGS}, from its `iscrowd` and its area class's code (`area_code`, {@link areaClassCodeSql}). */
const rowFlagsSql = `(CASE WHEN iscrowd THEN ${CATEGORY_FLAGS.crowd} ELSE ${CATEGORY_FLAGS.noncrowd} END) | (CASE area_code ${AREA_CLASS_CODES.map(
  (name, code) => `WHEN ${code} THEN ${CATEGORY_FLAGS[name]}`,
).join(' ')} ELSE 0 END)`;

/**
 * `sample_categories`: a sample's ground-truth annotations grouped by what a
 * filter asks of one annotation: its category (NULL for none, e.g. captions),
 * `iscrowd` and COCO area class (NULL for no area). `category=dog&area=small`
 * keeps the samples with a row of both, one scan of ids instead of a scan of
 * the annotations. Its rows are sorted by category within each slice of
 * images, not across the split: sorting 7.5M rows at once inside a 1M-image
 * ingest's transaction ran DuckDB out of its 128 MB.
 *
 * One row of each sample and category (its first by `iscrowd`, then area class) has `category_flags`, the
 * {@link CATEGORY_FLAGS} of all its rows; the others have NULL. So
 * `split_categories` counts a category's images, and those with a crowd or a
 * small one, in one small grouping by category, where grouping by sample and
 * category first took 3-3.7 s of a 1M-image commit. Rows committed between
 * schemas 5 and 10 have NULL flags: `split_categories` must never be made again
 * from them with its own select, which would count them as no images, but with
 * `splitCategoriesFromGroupsTable`, as the migration to schema 10 does.
 */
export const sampleCategoriesTable: CounterTable = {
  table: 'sample_categories',
  source: 'ingest',
  sliced: true,
  columns: [
    { name: 'dataset_id', type: 'BIGINT NOT NULL' },
    { name: 'job_id', type: 'VARCHAR NOT NULL' },
    { name: 'sample_id', type: 'BIGINT NOT NULL' },
    { name: 'category_id', type: 'BIGINT' },
    { name: 'iscrowd', type: 'BOOLEAN NOT NULL' },
    { name: 'area_class', type: 'VARCHAR' },
    { name: 'annotations', type: 'INTEGER NOT NULL' },
    { name: 'category_flags', type: 'UTINYINT' },
  ],
  // The flags go on the first row by (iscrowd, area_class), so a sample's rows are the same whichever slice made them;
  // grouped and ordered by the area class's code, which sorts as its name does and costs less than the string.
  // A slice's rows are few enough (about 400,000 for 50,000 images) for the window to sort them in memory. They are
  // stored sorted by category, slice by slice, so a category's rows sit in a few row groups of each slice, and the
  // zone maps of category_id let a category's filter skip the rest.
  select: (jobIs, images) => `
    SELECT dataset_id, job_id, sample_id, category_id, iscrowd, ${areaClassOfCodeSql('area_code')} AS area_class, annotations,
           CASE WHEN row_number() OVER (w ORDER BY iscrowd, area_code) = 1 THEN CAST(bit_or(${rowFlagsSql}) OVER w AS UTINYINT) END
    FROM (SELECT s.dataset_id, s.job_id, s.id AS sample_id, a.category_id, a.iscrowd, ${areaClassCodeSql('a.area')} AS area_code, count(*) AS annotations
          FROM annotations a JOIN samples s ON s.job_id = a.job_id AND s.coco_id = a.image_coco_id
          WHERE a.job_id ${jobIs} AND s.job_id ${jobIs} AND ${images('a.image_coco_id')} AND ${images('s.coco_id')}
          GROUP BY ALL)
    WINDOW w AS (PARTITION BY sample_id, category_id)
    ORDER BY category_id`,
};

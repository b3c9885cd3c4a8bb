import { notFound } from '../errors.js';
import type { Database } from './Database.js';
import { AREA_CLASSES } from './SampleFilter.js';
import type { Row } from './toPlainRows.js';

/** Buckets of the annotations-per-image histogram: inclusive lower bounds, the last open-ended. */
const PER_IMAGE_BUCKETS = [0, 1, 2, 3, 6, 11, 21, 51] as const;

/** The figures of one split. */
export interface SplitStats {
  name: string;
  images: number;
  annotations: number;
  /** Per category: its annotations and the images that have at least one, most annotated first. */
  categories: { id: number; name: string; annotations: number; images: number }[];
  annotations_per_image: { mean: number; median: number; max: number; histogram: { label: string; images: number }[] };
  /** COCO's area classes of the annotations that have an area. */
  area: { small: number; medium: number; large: number };
}

/**
 * Per-split statistics of a dataset, each computed by DuckDB in one grouped
 * scan: category counts, annotations per image, COCO area classes.
 * @throws AppError `NOT_FOUND` for an unknown dataset.
 */
export async function datasetStats(db: Database, datasetId: number): Promise<{ dataset_id: number; splits: SplitStats[] }> {
  const id = BigInt(datasetId);
  if ((await db.query('SELECT 1 FROM datasets WHERE id = ?', [id])).length === 0) throw notFound('dataset', datasetId);
  const [splits, categories, perImage, areas] = await Promise.all([
    db.query(
      // A split's counts are its job's final ones, as GET /datasets/{id} gives them.
      `SELECT j.split AS name, CAST(j.result->>'image_count' AS BIGINT) AS images, CAST(j.result->>'annotation_count' AS BIGINT) AS annotations
       FROM jobs j WHERE j.dataset_id = ? AND j.kind = 'ingest' AND j.status = 'complete' ORDER BY j.finished_at`,
      [id],
    ),
    db.query(
      `SELECT a.split, a.category_id AS id, c.name, a.annotations, a.images
       FROM (SELECT j.split, a.category_id, count(*) AS annotations, count(DISTINCT a.image_coco_id) AS images
             FROM annotations a JOIN jobs j ON j.id = a.job_id
             WHERE a.dataset_id = ? AND a.category_id IS NOT NULL GROUP BY ALL) a
       JOIN categories c ON c.dataset_id = ? AND c.id = a.category_id
       ORDER BY a.split, a.annotations DESC, a.category_id`,
      [id, id],
    ),
    db.query(
      `WITH per AS (
         SELECT s.split, coalesce(n.count, 0) AS n
         FROM samples s LEFT JOIN (SELECT job_id, image_coco_id, count(*) AS count FROM annotations WHERE dataset_id = ? GROUP BY ALL) n
           ON n.job_id = s.job_id AND n.image_coco_id = s.coco_id
         WHERE s.dataset_id = ?)
       SELECT split, avg(n) AS mean, median(n) AS median, max(n) AS max,
              ${PER_IMAGE_BUCKETS.map((low, i) => {
                const high = PER_IMAGE_BUCKETS[i + 1];
                return `count(*) FILTER (WHERE n >= ${low}${high === undefined ? '' : ` AND n < ${high}`}) AS b${i}`;
              }).join(', ')}
       FROM per GROUP BY split`,
      [id, id],
    ),
    db.query(
      `SELECT s.split, ${Object.entries(AREA_CLASSES)
        .map(([name, [low, high]]) => `count(*) FILTER (WHERE a.area >= ${low} AND a.area < ${high}) AS ${name}`)
        .join(', ')}
       FROM annotations a JOIN jobs s ON s.id = a.job_id
       WHERE a.dataset_id = ? GROUP BY s.split`,
      [id],
    ),
  ]);
  const bySplit = <T extends Row>(rows: T[], split: string) => rows.filter((r) => r.split === split);
  return {
    dataset_id: datasetId,
    splits: splits.map((split): SplitStats => {
      const name = String(split.name);
      const per = bySplit(perImage, name)[0];
      const area = bySplit(areas, name)[0];
      return {
        name,
        images: Number(split.images),
        annotations: Number(split.annotations),
        categories: bySplit(categories, name).map((c) => ({
          id: Number(c.id),
          name: String(c.name),
          annotations: Number(c.annotations),
          images: Number(c.images),
        })),
        annotations_per_image: {
          mean: Number(per?.mean ?? 0),
          median: Number(per?.median ?? 0),
          max: Number(per?.max ?? 0),
          histogram: PER_IMAGE_BUCKETS.map((low, i) => {
            const high = PER_IMAGE_BUCKETS[i + 1];
            const label = high === undefined ? `${low}+` : high - low === 1 ? String(low) : `${low}-${high - 1}`;
            return { label, images: Number(per?.[`b${i}`] ?? 0) };
          }),
        },
        area: { small: Number(area?.small ?? 0), medium: Number(area?.medium ?? 0), large: Number(area?.large ?? 0) },
      };
    }),
  };
}

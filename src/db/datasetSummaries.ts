import type { Database } from './Database.js';
import type { Row } from './toPlainRows.js';

/**
 * Datasets' rows with their counts: images and annotations (their splits'
 * `split_stats`), categories, and the names of their complete splits; one
 * dataset's or, newest first, every one's.
 *
 * Plain scans of these small tables, summed here, rather than one query with
 * a correlated subquery per count: DuckDB sets up a hash table of megabytes
 * for each grouped aggregate, join or `DISTINCT`, however few the rows, and a
 * process that has just started faults every one of those pages in (12-14 µs
 * a page on the benchmark's machine). That one query took 40-60 ms as a
 * restarted service's first request at 1M images; the scans take a few.
 */
export async function datasetSummaries(db: Database, id?: number): Promise<Row[]> {
  const one = id === undefined ? [] : [BigInt(id)];
  const ofDataset = id === undefined ? '' : ' AND dataset_id = ?';
  const [datasets, splitStats, categories, splits] = await Promise.all([
    db.query(`SELECT id, name, status, error, created_at, updated_at FROM datasets WHERE true${id === undefined ? '' : ' AND id = ?'}`, one),
    db.query(`SELECT dataset_id, images, annotations FROM split_stats WHERE true${ofDataset}`, one),
    db.query(`SELECT dataset_id FROM categories WHERE true${ofDataset}`, one),
    db.query(`SELECT dataset_id, split FROM jobs WHERE status = 'complete' AND kind = 'ingest'${ofDataset}`, one),
  ]);
  const counts = new Map<unknown, { images: number; annotations: number; categories: number; splits: Set<string> }>();
  const of = (datasetId: unknown) => {
    const known = counts.get(datasetId);
    if (known) return known;
    const c = { images: 0, annotations: 0, categories: 0, splits: new Set<string>() };
    counts.set(datasetId, c);
    return c;
  };
  for (const s of splitStats) {
    const c = of(s.dataset_id);
    c.images += Number(s.images ?? 0);
    c.annotations += Number(s.annotations ?? 0);
  }
  for (const category of categories) of(category.dataset_id).categories++;
  for (const split of splits) of(split.dataset_id).splits.add(String(split.split));
  return datasets
    .sort((a, b) => Number(b.id) - Number(a.id))
    .map((d) => {
      const c = of(d.id);
      return {
        ...d,
        image_count: c.images,
        annotation_count: c.annotations,
        category_count: c.categories,
        split_names: [...c.splits].sort(byCodePoint),
      };
    });
}

/** DuckDB's `ORDER BY` on text: by UTF-8 bytes, which is by code point (JavaScript's `<` compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
